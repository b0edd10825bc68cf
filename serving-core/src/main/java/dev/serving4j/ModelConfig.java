package dev.serving4j;

import static dev.serving4j.internal.config.ConfigFields.*;

import dev.serving4j.internal.config.ConfigField;
import dev.serving4j.internal.config.ConfigValues;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * How one model version is served: workers, batching, queueing, timeouts and devices. Immutable; built with
 * {@link #builder()} whose setters reject bad values at once, naming the field, the value and the valid range.
 *
 * <p>Precedence: the archive's {@code config} section gives defaults, {@code register(archive, overrides)} overrides
 * them, and runtime calls such as {@link ModelServer#scaleWorkers} override both. Every field, its default and its
 * valid range is listed in {@code docs/configuration.md}.
 *
 * <p>Each field is described once, in the descriptor table {@code ConfigFields}, which also drives {@code apply},
 * {@code toMap}, equality, the manifest's type checks and a test that holds the docs to the code; so the typed
 * accessors and setters here are one-line delegations, listed compactly like the table they front. A configuration
 * remembers which fields were set ({@link #isSet}): one never set keeps following its default, so {@code maxWorkers}
 * left unset equals {@code minWorkers} in every configuration derived from this one.
 */
public final class ModelConfig {
  /** The configuration used when nothing is specified. */
  public static final ModelConfig DEFAULTS = builder().build();

  private final ConfigValues values;

  private ModelConfig(ConfigValues values) {
    this.values = values;
  }

  /** Returns a builder holding the defaults. */
  public static Builder builder() {
    return new Builder(ConfigValues.defaults());
  }

  /** Returns a builder holding this configuration's values (fields never set stay unset), to derive a variant. */
  public Builder toBuilder() {
    return new Builder(values.unsetCopy());
  }

  /** Returns this configuration with {@code overrides} applied; {@code this} is unchanged. */
  public ModelConfig with(Consumer<Builder> overrides) {
    Builder b = toBuilder();
    overrides.accept(b);
    return b.build();
  }

  /**
   * Whether {@code field} was set explicitly (by the archive's config, an override, {@code apply} or a setter) rather
   * than left at its default. {@code workers} counts as set when both {@code minWorkers} and {@code maxWorkers} are.
   *
   * @throws InvalidConfigException when {@code field} names no config field
   */
  public boolean isSet(String field) {
    return values.isSet(field);
  }

  /** Workers started at registration and kept at least; 0 starts none. */
  public int minWorkers() { return get(MIN_WORKERS); }
  /** Most workers the pool may grow to; while never set, equal to {@link #minWorkers()}. */
  public int maxWorkers() { return get(MAX_WORKERS); }
  /** Most requests in one batch. */
  public int maxBatchSize() { return get(MAX_BATCH_SIZE); }
  /** In {@link BatchingMode#FIXED_DELAY}, the longest the oldest request waits for batch-mates. */
  public Duration maxBatchDelay() { return get(MAX_BATCH_DELAY); }
  /** How batches are formed, {@link BatchingMode#ADAPTIVE} by default. */
  public BatchingMode batchingMode() { return get(BATCHING_MODE); }
  /** Most requests queued (not yet running) for this version. */
  public int maxQueueSize() { return get(MAX_QUEUE_SIZE); }
  /** Deadline given to requests that bring none; {@link Duration#ZERO} (the default) means none. */
  public Duration requestTimeout() { return get(REQUEST_TIMEOUT); }
  /** Longest one batch may run its handler stages before it is aborted. */
  public Duration inferenceTimeout() { return get(INFERENCE_TIMEOUT); }
  /** Devices that workers are assigned to, round-robin by worker id; {@code [cpu]} by default. */
  public List<Device> devices() { return get(DEVICES); }
  /** Handler properties; they override the manifest's {@code handlerProperties}. */
  public Map<String, String> handlerProperties() { return get(HANDLER_PROPERTIES); }
  /** Engine options (for example ONNX Runtime thread counts); keys are checked by the engine. */
  public Map<String, String> engineOptions() { return get(ENGINE_OPTIONS); }
  /** Number of priority levels; a request's priority is 0 (lowest, the default) to levels - 1. */
  public int priorityLevels() { return get(PRIORITY_LEVELS); }
  /** Per-level queue limits (index = level), or empty: every level shares {@code maxQueueSize}. */
  public List<Integer> priorityQueueLimits() { return get(PRIORITY_QUEUE_LIMITS); }
  /** Per-level default timeouts (index = level; zero = none), or empty: {@code requestTimeout} for all. */
  public List<Duration> priorityTimeouts() { return get(PRIORITY_TIMEOUTS); }
  /** Budget of a batch's padded cost (largest {@link Handler#cost} x batch size); 0 (the default): unbounded. */
  public long maxBatchCost() { return get(MAX_BATCH_COST); }
  /** Batch sizes the handler runs best at (ascending), preferred without waiting; empty (default) for none. */
  public List<Integer> preferredBatchSizes() { return get(PREFERRED_BATCH_SIZES); }
  /** Whether a batch that fails as a whole is bisected to find the poison request(s). */
  public boolean failureIsolation() { return get(FAILURE_ISOLATION); }
  /** Whether requests of a batch whose worker died are retried once on another worker. */
  public boolean idempotent() { return get(IDEMPOTENT); }
  /**
   * Whether a caller that waits for its lone queued request ({@code get}, {@code join}, {@code predictBlocking})
   * runs it itself on an idle worker's handler instead of handing it over (ADAPTIVE mode only).
   */
  public boolean callerRuns() { return get(CALLER_RUNS); }
  /** Autoscaling: add a worker (up to maxWorkers) when the oldest queued request has waited this long. */
  public Duration scaleUpWait() { return get(SCALE_UP_WAIT); }
  /** Autoscaling: retire a worker above minWorkers once it has been idle this long. */
  public Duration scaleDownIdle() { return get(SCALE_DOWN_IDLE); }
  /** Autoscaling: least time between two scaling decisions. */
  public Duration scaleCooldown() { return get(SCALE_COOLDOWN); }
  /** Most answers kept in the response cache (keys from {@link Handler#cacheKey}); 0 (the default): no cache. */
  public long responseCacheSize() { return get(RESPONSE_CACHE_SIZE); }
  /** How long a cached answer stays valid; zero (the default) means until evicted by size. */
  public Duration responseCacheTtl() { return get(RESPONSE_CACHE_TTL); }
  /** What this version weighs against the server's {@code maxLoadedModels} budget while loaded (1 by default). */
  public long loadWeight() { return get(LOAD_WEIGHT); }
  /** The p99 objective of the scheduler's SLA mode ({@code docs/scheduling.md}); zero (the default): off. */
  public Duration latencyTarget() { return get(LATENCY_TARGET); }

  /** The default timeout of a request at {@code level}: its level's timeout if set, else {@code requestTimeout}. */
  public Duration timeoutFor(int level) {
    return priorityTimeouts().isEmpty() ? requestTimeout() : priorityTimeouts().get(level);
  }

  /** The queue limit of {@code level}: its own if set, else {@code maxQueueSize}. */
  public int queueLimitFor(int level) {
    return priorityQueueLimits().isEmpty() ? maxQueueSize() : priorityQueueLimits().get(level);
  }

  /**
   * Returns the fields that were set explicitly, as plain values keyed by field name (the manifest's {@code config}
   * format); fields left at their defaults are omitted, so {@code builder().apply(c.toMap()).build()} equals
   * {@code c} and answers {@link #isSet} alike.
   */
  public Map<String, Object> toMap() {
    return values.explicitToJson();
  }

  /** Equal when every field has an equal value, whether set explicitly or by default. */
  @Override
  public boolean equals(Object o) {
    return o instanceof ModelConfig c && values.equals(c.values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  /** Every field's value, such as {@code ModelConfig{minWorkers=1, maxWorkers=1, ...}}. */
  @Override
  public String toString() {
    return "ModelConfig" + values.allToJson();
  }

  private <T> T get(ConfigField<T> field) {
    return values.get(field);
  }

  /**
   * Builds a {@link ModelConfig}. Each setter validates its argument and throws {@link InvalidConfigException}
   * naming the field, the value and the valid range; the ranges are listed in {@code docs/configuration.md} (held
   * to the code by a test, so they are not repeated here). {@link #build()} checks cross-field rules and may be
   * called more than once.
   */
  public static final class Builder {
    private final ConfigValues values;

    private Builder(ConfigValues values) {
      this.values = values;
    }

    /** Sets {@code minWorkers}; 0 starts no worker until the pool is scaled. */
    public Builder minWorkers(int value) { return set(MIN_WORKERS, value); }
    /** Sets {@code maxWorkers}, not below {@code minWorkers}; never set, it follows minWorkers. */
    public Builder maxWorkers(int value) { return set(MAX_WORKERS, value); }
    /** Sets both {@code minWorkers} and {@code maxWorkers} to {@code value} (a fixed pool). */
    public Builder workers(int value) { return set(WORKERS, value); }
    /** Sets {@code maxBatchSize}. */
    public Builder maxBatchSize(int value) { return set(MAX_BATCH_SIZE, value); }
    /** Sets {@code maxBatchDelay}. */
    public Builder maxBatchDelay(Duration value) { return set(MAX_BATCH_DELAY, value); }
    /** Sets {@code batchingMode}. */
    public Builder batchingMode(BatchingMode value) { return set(BATCHING_MODE, value); }
    /** Sets {@code maxQueueSize}. */
    public Builder maxQueueSize(int value) { return set(MAX_QUEUE_SIZE, value); }
    /** Sets {@code requestTimeout}; zero means none. */
    public Builder requestTimeout(Duration value) { return set(REQUEST_TIMEOUT, value); }
    /** Sets {@code inferenceTimeout}. */
    public Builder inferenceTimeout(Duration value) { return set(INFERENCE_TIMEOUT, value); }
    /** Sets {@code devices}; at least one, no duplicates. */
    public Builder devices(List<Device> value) { return set(DEVICES, value); }
    /** Sets {@code devices} from text such as {@code "cpu"} or {@code "gpu:0", "gpu:1"}. */
    public Builder devices(String... value) { return devices(Arrays.stream(value).map(Device::parse).toList()); }
    /** Sets one handler property. */
    public Builder handlerProperty(String key, String value) { return put(HANDLER_PROPERTIES, key, value); }
    /** Sets one engine option; the engine rejects keys it does not know when the model is registered. */
    public Builder engineOption(String key, String value) { return put(ENGINE_OPTIONS, key, value); }
    /** Sets {@code priorityLevels}. */
    public Builder priorityLevels(int value) { return set(PRIORITY_LEVELS, value); }
    /** Sets per-level queue limits (one per level, each at most maxQueueSize), or an empty list to share. */
    public Builder priorityQueueLimits(List<Integer> value) { return set(PRIORITY_QUEUE_LIMITS, value); }
    /** Sets per-level default timeouts (one per level; zero = none), or an empty list. */
    public Builder priorityTimeouts(List<Duration> value) { return set(PRIORITY_TIMEOUTS, value); }
    /** Sets {@code maxBatchCost}; 0 means unbounded. */
    public Builder maxBatchCost(long value) { return set(MAX_BATCH_COST, value); }
    /** Sets {@code preferredBatchSizes}: strictly ascending, none above maxBatchSize (checked at build). */
    public Builder preferredBatchSizes(List<Integer> value) { return set(PREFERRED_BATCH_SIZES, value); }
    /** Sets {@code callerRuns}. */
    public Builder callerRuns(boolean value) { return set(CALLER_RUNS, value); }
    /** Sets {@code failureIsolation}. */
    public Builder failureIsolation(boolean value) { return set(FAILURE_ISOLATION, value); }
    /** Sets {@code idempotent}. */
    public Builder idempotent(boolean value) { return set(IDEMPOTENT, value); }
    /** Sets {@code scaleUpWait}. */
    public Builder scaleUpWait(Duration value) { return set(SCALE_UP_WAIT, value); }
    /** Sets {@code scaleDownIdle}. */
    public Builder scaleDownIdle(Duration value) { return set(SCALE_DOWN_IDLE, value); }
    /** Sets {@code scaleCooldown}. */
    public Builder scaleCooldown(Duration value) { return set(SCALE_COOLDOWN, value); }
    /** Sets {@code responseCacheSize}; 0 turns the cache off. */
    public Builder responseCacheSize(long value) { return set(RESPONSE_CACHE_SIZE, value); }
    /** Sets {@code responseCacheTtl}; zero means no expiry. */
    public Builder responseCacheTtl(Duration value) { return set(RESPONSE_CACHE_TTL, value); }
    /** Sets {@code loadWeight}. */
    public Builder loadWeight(long value) { return set(LOAD_WEIGHT, value); }
    /** Sets {@code latencyTarget}, the p99 objective of the scheduler's SLA mode; zero turns the mode off. */
    public Builder latencyTarget(Duration value) { return set(LATENCY_TARGET, value); }

    /**
     * Applies values keyed by field name, as found in a manifest's {@code config} section; object-valued fields
     * ({@code handlerProperties}, {@code engineOptions}) are merged key by key. Unknown or null keys and values of
     * the wrong type are errors. Durations are strings such as {@code "5ms"}, {@code "2s"} or ISO-8601.
     */
    public Builder apply(Map<String, ?> values) {
      this.values.apply(values);
      return this;
    }

    /** Builds the configuration, checking rules that span fields. */
    public ModelConfig build() {
      return new ModelConfig(values.resolve());
    }

    private <T> Builder set(ConfigField<T> field, T value) {
      values.set(field, value);
      return this;
    }

    private Builder put(ConfigField<Map<String, String>> field, String key, String value) {
      values.put(field, key, value);
      return this;
    }
  }
}
