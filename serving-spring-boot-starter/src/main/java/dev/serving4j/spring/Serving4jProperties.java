package dev.serving4j.spring;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code serving4j.*} properties: server options and the models to register at startup.
 *
 * <pre>
 * serving4j.models.minilm.archive=models/minilm.s4j
 * serving4j.models.minilm.config.max-batch-size=16
 * serving4j.models.minilm.config.max-batch-delay=5ms
 * serving4j.models.minilm.handler-properties.maxLength=128
 * serving4j.drain-timeout=10s
 * </pre>
 *
 * <p>Config values are checked by {@code ModelConfig} itself when the model is registered; see
 * {@link ModelConfigOverrides} for how the text of a property becomes a config value.
 */
@ConfigurationProperties("serving4j")
public class Serving4jProperties {
  /** Models to register at startup, by model name (the archive's own name must match). */
  private Map<String, Model> models = new LinkedHashMap<>();

  /** How long closing the server (at context shutdown) waits for accepted requests. Default: the server's, 30s. */
  private Duration drainTimeout;

  /** How long registering a model waits for its first worker. Default: the server's. */
  private Duration startupTimeout;

  /** Whether serving4j's timers publish percentile histograms (for server-side quantiles). */
  private boolean percentileHistograms;

  /** Creates empty properties; Spring binds them. */
  public Serving4jProperties() {}

  /** The models to register, by name. */
  public Map<String, Model> getModels() {
    return models;
  }

  /** Sets the models to register, by name. */
  public void setModels(Map<String, Model> models) {
    this.models = models;
  }

  /** The drain timeout, or null for the server's default. */
  public Duration getDrainTimeout() {
    return drainTimeout;
  }

  /** Sets the drain timeout. */
  public void setDrainTimeout(Duration drainTimeout) {
    this.drainTimeout = drainTimeout;
  }

  /** The startup timeout, or null for the server's default. */
  public Duration getStartupTimeout() {
    return startupTimeout;
  }

  /** Sets the startup timeout. */
  public void setStartupTimeout(Duration startupTimeout) {
    this.startupTimeout = startupTimeout;
  }

  /** Whether timers publish percentile histograms. */
  public boolean isPercentileHistograms() {
    return percentileHistograms;
  }

  /** Sets whether timers publish percentile histograms. */
  public void setPercentileHistograms(boolean percentileHistograms) {
    this.percentileHistograms = percentileHistograms;
  }

  /** One model: where its archive is and what to override in its config. */
  public static class Model {
    /** The archive: a {@code .s4j} zip or an archive directory, as a file system path. Required. */
    private String archive;

    /**
     * Overrides of the archive's serving config, by {@code ModelConfig} field ({@code maxBatchSize} or
     * {@code max-batch-size}): whole numbers, {@code true}/{@code false}, durations such as {@code 5ms}, enum names,
     * comma-separated lists.
     */
    private Map<String, String> config = new LinkedHashMap<>();

    /** Handler properties to set over the archive's ({@code ModelConfig.handlerProperties}). */
    private Map<String, String> handlerProperties = new LinkedHashMap<>();

    /** Engine options to set over the archive's ({@code ModelConfig.engineOptions}). */
    private Map<String, String> engineOptions = new LinkedHashMap<>();

    /** Creates an empty model entry; Spring binds it. */
    public Model() {}

    /** The archive path. */
    public String getArchive() {
      return archive;
    }

    /** Sets the archive path. */
    public void setArchive(String archive) {
      this.archive = archive;
    }

    /** Config overrides by field name. */
    public Map<String, String> getConfig() {
      return config;
    }

    /** Sets the config overrides. */
    public void setConfig(Map<String, String> config) {
      this.config = config;
    }

    /** Handler properties to set. */
    public Map<String, String> getHandlerProperties() {
      return handlerProperties;
    }

    /** Sets the handler properties. */
    public void setHandlerProperties(Map<String, String> handlerProperties) {
      this.handlerProperties = handlerProperties;
    }

    /** Engine options to set. */
    public Map<String, String> getEngineOptions() {
      return engineOptions;
    }

    /** Sets the engine options. */
    public void setEngineOptions(Map<String, String> engineOptions) {
      this.engineOptions = engineOptions;
    }
  }
}
