package dev.serving4j;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How one model version is served: workers, batching, queueing, timeouts and devices. Immutable; built with
 * {@link #builder()} whose setters reject bad values at once, naming the field, the value and the valid range.
 *
 * <p>Precedence: the archive's {@code config} section gives defaults, {@code register(archive, overrides)} overrides
 * them, and runtime calls such as {@link ModelServer#scaleWorkers} override both. Every field, its default and its
 * valid range is listed in {@code docs/configuration.md}.
 */
public final class ModelConfig {
  /** The configuration used when nothing is specified. */
  public static final ModelConfig DEFAULTS = builder().build();

  private final int minWorkers;
  private final int maxWorkers;
  private final int maxBatchSize;
  private final Duration maxBatchDelay;
  private final BatchingMode batchingMode;
  private final int maxQueueSize;
  private final Duration requestTimeout;
  private final Duration inferenceTimeout;
  private final List<Device> devices;
  private final Map<String, String> handlerProperties;
  private final Map<String, String> engineOptions;

  private ModelConfig(Builder b) {
    this.minWorkers = b.minWorkers;
    this.maxWorkers = b.maxWorkers;
    this.maxBatchSize = b.maxBatchSize;
    this.maxBatchDelay = b.maxBatchDelay;
    this.batchingMode = b.batchingMode;
    this.maxQueueSize = b.maxQueueSize;
    this.requestTimeout = b.requestTimeout;
    this.inferenceTimeout = b.inferenceTimeout;
    this.devices = List.copyOf(b.devices);
    this.handlerProperties = Map.copyOf(b.handlerProperties);
    this.engineOptions = Map.copyOf(b.engineOptions);
  }

  /** Returns a builder holding the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder holding this configuration's values, to derive a variant. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Returns this configuration with {@code overrides} applied; {@code this} is unchanged. */
  public ModelConfig with(Consumer<Builder> overrides) {
    Builder b = toBuilder();
    overrides.accept(b);
    return b.build();
  }

  /** Workers started at registration and kept at least. Default 1. */
  public int minWorkers() {
    return minWorkers;
  }

  /** Most workers the pool may grow to. Default: equal to {@link #minWorkers()}. */
  public int maxWorkers() {
    return maxWorkers;
  }

  /** Most requests in one batch. Default 8. */
  public int maxBatchSize() {
    return maxBatchSize;
  }

  /** In {@link BatchingMode#FIXED_DELAY}, the longest the oldest request waits for batch-mates. Default 5 ms. */
  public Duration maxBatchDelay() {
    return maxBatchDelay;
  }

  /** How batches are formed. Default {@link BatchingMode#ADAPTIVE}. */
  public BatchingMode batchingMode() {
    return batchingMode;
  }

  /** Most requests queued (not yet running) for this version. Default 1000. */
  public int maxQueueSize() {
    return maxQueueSize;
  }

  /** Deadline given to requests that bring none; {@link Duration#ZERO} means none. Default none. */
  public Duration requestTimeout() {
    return requestTimeout;
  }

  /** Longest one batch may run its handler stages before it is aborted. Default 60 s. */
  public Duration inferenceTimeout() {
    return inferenceTimeout;
  }

  /** Devices that workers are assigned to, round-robin by worker id. Default {@code [cpu]}. */
  public List<Device> devices() {
    return devices;
  }

  /** Handler properties; they override the manifest's {@code handlerProperties}. */
  public Map<String, String> handlerProperties() {
    return handlerProperties;
  }

  /** Engine options (for example ONNX Runtime thread counts); keys are checked by the engine. */
  public Map<String, String> engineOptions() {
    return engineOptions;
  }

  /** Returns the configuration as plain values keyed by field name (the manifest's {@code config} format). */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("minWorkers", minWorkers);
    m.put("maxWorkers", maxWorkers);
    m.put("maxBatchSize", maxBatchSize);
    m.put("maxBatchDelay", Durations.format(maxBatchDelay));
    m.put("batchingMode", batchingMode.name());
    m.put("maxQueueSize", maxQueueSize);
    m.put("requestTimeout", Durations.format(requestTimeout));
    m.put("inferenceTimeout", Durations.format(inferenceTimeout));
    m.put("devices", devices.stream().map(Device::toString).toList());
    m.put("handlerProperties", new LinkedHashMap<>(handlerProperties));
    m.put("engineOptions", new LinkedHashMap<>(engineOptions));
    return m;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ModelConfig c && toMap().equals(c.toMap());
  }

  @Override
  public int hashCode() {
    return toMap().hashCode();
  }

  @Override
  public String toString() {
    return "ModelConfig" + toMap();
  }

  /**
   * Builds a {@link ModelConfig}. Each setter validates its argument and throws {@link InvalidConfigException}
   * naming the field; {@link #build()} checks cross-field rules and may be called more than once.
   */
  public static final class Builder {
    private int minWorkers = 1;
    private Integer maxWorkersOrNull;
    private int maxWorkers = 1;
    private int maxBatchSize = 8;
    private Duration maxBatchDelay = Duration.ofMillis(5);
    private BatchingMode batchingMode = BatchingMode.ADAPTIVE;
    private int maxQueueSize = 1000;
    private Duration requestTimeout = Duration.ZERO;
    private Duration inferenceTimeout = Duration.ofSeconds(60);
    private List<Device> devices = List.of(Device.CPU);
    private final Map<String, String> handlerProperties = new LinkedHashMap<>();
    private final Map<String, String> engineOptions = new LinkedHashMap<>();

    private Builder() {}

    private Builder(ModelConfig c) {
      minWorkers = c.minWorkers;
      maxWorkersOrNull = c.maxWorkers;
      maxBatchSize = c.maxBatchSize;
      maxBatchDelay = c.maxBatchDelay;
      batchingMode = c.batchingMode;
      maxQueueSize = c.maxQueueSize;
      requestTimeout = c.requestTimeout;
      inferenceTimeout = c.inferenceTimeout;
      devices = c.devices;
      handlerProperties.putAll(c.handlerProperties);
      engineOptions.putAll(c.engineOptions);
    }

    /** Sets {@code minWorkers}, 0..1024. */
    public Builder minWorkers(int value) {
      minWorkers = inRange("minWorkers", value, 0, 1024);
      return this;
    }

    /** Sets {@code maxWorkers}, 1..1024 and not below {@code minWorkers}. */
    public Builder maxWorkers(int value) {
      maxWorkersOrNull = inRange("maxWorkers", value, 1, 1024);
      return this;
    }

    /** Sets both {@code minWorkers} and {@code maxWorkers} to {@code value} (a fixed pool). */
    public Builder workers(int value) {
      return minWorkers(value).maxWorkers(inRange("workers", value, 1, 1024));
    }

    /** Sets {@code maxBatchSize}, 1..65536. */
    public Builder maxBatchSize(int value) {
      maxBatchSize = inRange("maxBatchSize", value, 1, 65_536);
      return this;
    }

    /** Sets {@code maxBatchDelay}, 0..60 s. */
    public Builder maxBatchDelay(Duration value) {
      maxBatchDelay = durationInRange("maxBatchDelay", value, Duration.ofSeconds(60));
      return this;
    }

    /** Sets {@code batchingMode}. */
    public Builder batchingMode(BatchingMode value) {
      batchingMode = requireNonNull("batchingMode", value);
      return this;
    }

    /** Sets {@code maxQueueSize}, 1..10,000,000. */
    public Builder maxQueueSize(int value) {
      maxQueueSize = inRange("maxQueueSize", value, 1, 10_000_000);
      return this;
    }

    /** Sets {@code requestTimeout}, 0 (none)..1 day. */
    public Builder requestTimeout(Duration value) {
      requestTimeout = durationInRange("requestTimeout", value, Duration.ofDays(1));
      return this;
    }

    /** Sets {@code inferenceTimeout}, 1 ms..1 day. */
    public Builder inferenceTimeout(Duration value) {
      inferenceTimeout = durationInRange("inferenceTimeout", value, Duration.ofDays(1));
      if (inferenceTimeout.compareTo(Duration.ofMillis(1)) < 0) {
        throw new InvalidConfigException("inferenceTimeout must be at least 1ms, was " + Durations.format(value));
      }
      return this;
    }

    /** Sets {@code devices}; at least one, no duplicates. */
    public Builder devices(List<Device> value) {
      requireNonNull("devices", value);
      if (value.isEmpty() || value.contains(null) || value.stream().distinct().count() != value.size()) {
        throw new InvalidConfigException("devices must be a non-empty list of distinct devices, was " + value);
      }
      devices = List.copyOf(value);
      return this;
    }

    /** Sets {@code devices} from text such as {@code "cpu"} or {@code "gpu:0", "gpu:1"}. */
    public Builder devices(String... value) {
      return devices(java.util.Arrays.stream(value).map(Device::parse).toList());
    }

    /** Sets one handler property. */
    public Builder handlerProperty(String key, String value) {
      handlerProperties.put(requireKey("handlerProperties", key), requireNonNull("handlerProperties." + key, value));
      return this;
    }

    /** Sets one engine option; the engine rejects keys it does not know when the model is registered. */
    public Builder engineOption(String key, String value) {
      engineOptions.put(requireKey("engineOptions", key), requireNonNull("engineOptions." + key, value));
      return this;
    }

    /**
     * Applies values keyed by field name, as found in a manifest's {@code config} section. Unknown keys and
     * values of the wrong type are errors. Durations are strings such as {@code "5ms"}, {@code "2s"} or ISO-8601.
     */
    public Builder apply(Map<String, ?> values) {
      ConfigMaps.apply(this, values);
      return this;
    }

    /** Builds the configuration, checking rules that span fields. */
    public ModelConfig build() {
      int effectiveMax = maxWorkersOrNull == null ? Math.max(1, minWorkers) : maxWorkersOrNull;
      if (effectiveMax < minWorkers) {
        throw new InvalidConfigException(
            "maxWorkers (" + effectiveMax + ") must be >= minWorkers (" + minWorkers + ")");
      }
      maxWorkers = effectiveMax;
      return new ModelConfig(this);
    }

    private static int inRange(String field, int value, int min, int max) {
      if (value < min || value > max) {
        throw new InvalidConfigException(field + " must be in " + min + ".." + max + ", was " + value);
      }
      return value;
    }

    private static Duration durationInRange(String field, Duration value, Duration max) {
      requireNonNull(field, value);
      if (value.isNegative() || value.compareTo(max) > 0) {
        throw new InvalidConfigException(
            field + " must be in 0.." + Durations.format(max) + ", was " + Durations.format(value));
      }
      return value;
    }

    private static String requireKey(String field, String key) {
      if (key == null || key.isBlank()) {
        throw new InvalidConfigException(field + " keys must be non-blank, was '" + key + "'");
      }
      return key;
    }

    private static <T> T requireNonNull(String field, T value) {
      if (value == null) {
        throw new InvalidConfigException(field + " must not be null");
      }
      return Objects.requireNonNull(value);
    }
  }
}
