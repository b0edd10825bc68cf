package dev.serving4j;

import static dev.serving4j.internal.config.ConfigFields.*;

import dev.serving4j.internal.config.ConfigField;
import dev.serving4j.internal.config.ConfigFields;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * How one model version is served: workers, batching, queueing, timeouts and devices. Immutable; built with
 * {@link #builder()} whose setters reject bad values at once, naming the field, the value and the valid range.
 *
 * <p>Precedence: the archive's {@code config} section gives defaults, {@code register(archive, overrides)} overrides
 * them, and runtime calls such as {@link ModelServer#scaleWorkers} override both. Every field, its default and its
 * valid range is listed in {@code docs/configuration.md}; each field is described once, in a table of descriptors
 * that this class, manifest parsing and a docs test share, so only the typed accessors and setters are written here.
 * A configuration remembers which fields were set explicitly ({@link #isSet}): a field never set keeps following its
 * default, so {@code maxWorkers} left unset stays equal to {@code minWorkers} in every derived configuration.
 */
public final class ModelConfig {
  /** The configuration used when nothing is specified. */
  public static final ModelConfig DEFAULTS = builder().build();

  private final Object[] values;
  private final boolean[] explicit;

  private ModelConfig(Object[] values, boolean[] explicit) {
    this.values = values;
    this.explicit = explicit;
  }

  /** Returns a builder holding the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder holding this configuration's values (fields never set stay unset), to derive a variant. */
  public Builder toBuilder() {
    return new Builder(this);
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
    ConfigField<?> f = ConfigFields.find(field);
    return f == WORKERS ? explicit[MIN_WORKERS.index()] && explicit[MAX_WORKERS.index()] : explicit[f.index()];
  }

  /** Workers started at registration and kept at least; 0 starts none. Default 1. */
  public int minWorkers() { return get(MIN_WORKERS); }

  /** Most workers the pool may grow to. Default: equal to {@link #minWorkers()}. */
  public int maxWorkers() { return get(MAX_WORKERS); }

  /** Most requests in one batch. Default 8. */
  public int maxBatchSize() { return get(MAX_BATCH_SIZE); }

  /** In {@link BatchingMode#FIXED_DELAY}, the longest the oldest request waits for batch-mates. Default 5 ms. */
  public Duration maxBatchDelay() { return get(MAX_BATCH_DELAY); }

  /** How batches are formed. Default {@link BatchingMode#ADAPTIVE}. */
  public BatchingMode batchingMode() { return get(BATCHING_MODE); }

  /** Most requests queued (not yet running) for this version. Default 1000. */
  public int maxQueueSize() { return get(MAX_QUEUE_SIZE); }

  /** Deadline given to requests that bring none; {@link Duration#ZERO} means none. Default none. */
  public Duration requestTimeout() { return get(REQUEST_TIMEOUT); }

  /** Longest one batch may run its handler stages before it is aborted. Default 60 s. */
  public Duration inferenceTimeout() { return get(INFERENCE_TIMEOUT); }

  /** Devices that workers are assigned to, round-robin by worker id. Default {@code [cpu]}. */
  public List<Device> devices() { return get(DEVICES); }

  /** Handler properties; they override the manifest's {@code handlerProperties}. */
  public Map<String, String> handlerProperties() { return get(HANDLER_PROPERTIES); }

  /** Engine options (for example ONNX Runtime thread counts); keys are checked by the engine. */
  public Map<String, String> engineOptions() { return get(ENGINE_OPTIONS); }

  /** Number of priority levels; a request's priority is 0 (lowest, the default) to levels - 1. Default 1. */
  public int priorityLevels() { return get(PRIORITY_LEVELS); }

  /** Per-level queue limits (index = level), or empty: every level shares {@code maxQueueSize}. */
  public List<Integer> priorityQueueLimits() { return get(PRIORITY_QUEUE_LIMITS); }

  /** Per-level default timeouts (index = level; zero = none), or empty: {@code requestTimeout} for all. */
  public List<Duration> priorityTimeouts() { return get(PRIORITY_TIMEOUTS); }

  /**
   * Budget of a batch's padded cost (largest request cost x batch size), with costs from {@link Handler#cost};
   * 0 means unbounded (the default). A single request above the budget still runs, alone.
   */
  public long maxBatchCost() { return get(MAX_BATCH_COST); }

  /** Batch sizes the handler runs best at (ascending), preferred without waiting; empty (default) for none. */
  public List<Integer> preferredBatchSizes() { return get(PREFERRED_BATCH_SIZES); }

  /** Whether a batch that fails as a whole is bisected to find the poison request(s). Default true. */
  public boolean failureIsolation() { return get(FAILURE_ISOLATION); }

  /** Whether requests of a batch whose worker died are retried once on another worker. Default true. */
  public boolean idempotent() { return get(IDEMPOTENT); }

  /** Autoscaling: add a worker (up to maxWorkers) when the oldest queued request has waited this long. */
  public Duration scaleUpWait() { return get(SCALE_UP_WAIT); }

  /** Autoscaling: retire a worker above minWorkers once it has been idle this long. */
  public Duration scaleDownIdle() { return get(SCALE_DOWN_IDLE); }

  /** Autoscaling: least time between two scaling decisions. */
  public Duration scaleCooldown() { return get(SCALE_COOLDOWN); }

  /**
   * Most answers kept in the response cache (keys from {@link Handler#cacheKey}); 0 (the default) turns the cache
   * off. Cached calls are answered without entering the queue.
   */
  public long responseCacheSize() { return get(RESPONSE_CACHE_SIZE); }

  /** How long a cached answer stays valid; zero (the default) means until evicted by size. */
  public Duration responseCacheTtl() { return get(RESPONSE_CACHE_TTL); }

  /**
   * What this version weighs against the server's {@code maxLoadedModels} budget while loaded: 1 by default (the
   * budget is then a count), or an estimate such as its memory in MB.
   */
  public long loadWeight() { return get(LOAD_WEIGHT); }

  /**
   * The p99 latency objective of the scheduler's SLA mode (see {@code docs/scheduling.md}); zero, the default, turns
   * the mode off.
   */
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
   * format). Fields left at their defaults are omitted, so {@code builder().apply(c.toMap()).build()} equals
   * {@code c} and answers {@link #isSet} alike.
   */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    for (ConfigField<?> f : ConfigFields.ALL) {
      if (explicit[f.index()]) {
        m.put(f.name(), f.toJson(values[f.index()]));
      }
    }
    return m;
  }

  /** Equal when every field has an equal value, whether set explicitly or by default. */
  @Override
  public boolean equals(Object o) {
    return o instanceof ModelConfig c && Arrays.equals(values, c.values);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(values);
  }

  /** Every field's value, such as {@code ModelConfig{minWorkers=1, maxWorkers=1, ...}}. */
  @Override
  public String toString() {
    Map<String, Object> m = new LinkedHashMap<>();
    ConfigFields.ALL.forEach(f -> m.put(f.name(), f.toJson(values[f.index()])));
    return "ModelConfig" + m;
  }

  private <T> T get(ConfigField<T> field) {
    return ConfigFields.get(values, field);
  }

  /**
   * Builds a {@link ModelConfig}. Each setter validates its argument and throws {@link InvalidConfigException}
   * naming the field and its valid range (listed in {@code docs/configuration.md}); {@link #build()} checks
   * cross-field rules and may be called more than once.
   */
  public static final class Builder {
    private final Object[] values;
    private final boolean[] explicit;

    private Builder() {
      values = ConfigFields.defaults();
      explicit = new boolean[values.length];
    }

    private Builder(ModelConfig c) {
      this();
      for (ConfigField<?> f : ConfigFields.ALL) {
        if (c.explicit[f.index()]) {
          values[f.index()] = c.values[f.index()];
          explicit[f.index()] = true;
        }
      }
    }

    /** Sets {@code minWorkers}, 0..1024; 0 starts no worker until the pool is scaled. */
    public Builder minWorkers(int value) { return set(MIN_WORKERS, value); }

    /** Sets {@code maxWorkers}, 0..1024 and not below {@code minWorkers}; never set, it equals minWorkers. */
    public Builder maxWorkers(int value) { return set(MAX_WORKERS, value); }

    /** Sets both {@code minWorkers} and {@code maxWorkers} to {@code value}, 0..1024 (a fixed pool). */
    public Builder workers(int value) {
      WORKERS.check(value);
      return minWorkers(value).maxWorkers(value);
    }

    /** Sets {@code maxBatchSize}, 1..65536. */
    public Builder maxBatchSize(int value) { return set(MAX_BATCH_SIZE, value); }

    /** Sets {@code maxBatchDelay}, 0..1 min. */
    public Builder maxBatchDelay(Duration value) { return set(MAX_BATCH_DELAY, value); }

    /** Sets {@code batchingMode}. */
    public Builder batchingMode(BatchingMode value) { return set(BATCHING_MODE, value); }

    /** Sets {@code maxQueueSize}, 1..10,000,000. */
    public Builder maxQueueSize(int value) { return set(MAX_QUEUE_SIZE, value); }

    /** Sets {@code requestTimeout}, 0 (none)..1 day. */
    public Builder requestTimeout(Duration value) { return set(REQUEST_TIMEOUT, value); }

    /** Sets {@code inferenceTimeout}, 1 ms..1 day. */
    public Builder inferenceTimeout(Duration value) { return set(INFERENCE_TIMEOUT, value); }

    /** Sets {@code devices}; at least one, no duplicates. */
    public Builder devices(List<Device> value) { return set(DEVICES, value); }

    /** Sets {@code devices} from text such as {@code "cpu"} or {@code "gpu:0", "gpu:1"}. */
    public Builder devices(String... value) {
      return devices(Arrays.stream(value).map(Device::parse).toList());
    }

    /** Sets one handler property. */
    public Builder handlerProperty(String key, String value) { return put(HANDLER_PROPERTIES, key, value); }

    /** Sets one engine option; the engine rejects keys it does not know when the model is registered. */
    public Builder engineOption(String key, String value) { return put(ENGINE_OPTIONS, key, value); }

    /** Sets {@code priorityLevels}, 1..16. */
    public Builder priorityLevels(int value) { return set(PRIORITY_LEVELS, value); }

    /** Sets per-level queue limits (one per level, each 1..maxQueueSize), or an empty list to share. */
    public Builder priorityQueueLimits(List<Integer> value) { return set(PRIORITY_QUEUE_LIMITS, value); }

    /** Sets per-level default timeouts (one per level, each 0 (none)..1 day), or an empty list. */
    public Builder priorityTimeouts(List<Duration> value) { return set(PRIORITY_TIMEOUTS, value); }

    /** Sets {@code maxBatchCost}, 0 (unbounded)..Long.MAX_VALUE. */
    public Builder maxBatchCost(long value) { return set(MAX_BATCH_COST, value); }

    /** Sets {@code preferredBatchSizes}: strictly ascending, each 1..maxBatchSize (checked at build). */
    public Builder preferredBatchSizes(List<Integer> value) { return set(PREFERRED_BATCH_SIZES, value); }

    /** Sets {@code failureIsolation}. */
    public Builder failureIsolation(boolean value) { return set(FAILURE_ISOLATION, value); }

    /** Sets {@code idempotent}. */
    public Builder idempotent(boolean value) { return set(IDEMPOTENT, value); }

    /** Sets {@code scaleUpWait}, 1 ms..1 h. */
    public Builder scaleUpWait(Duration value) { return set(SCALE_UP_WAIT, value); }

    /** Sets {@code scaleDownIdle}, 1 ms..1 day. */
    public Builder scaleDownIdle(Duration value) { return set(SCALE_DOWN_IDLE, value); }

    /** Sets {@code scaleCooldown}, 0..1 h. */
    public Builder scaleCooldown(Duration value) { return set(SCALE_COOLDOWN, value); }

    /** Sets {@code responseCacheSize}, 0 (off)..100,000,000 entries. */
    public Builder responseCacheSize(long value) { return set(RESPONSE_CACHE_SIZE, value); }

    /** Sets {@code responseCacheTtl}, 0 (no expiry)..30 days. */
    public Builder responseCacheTtl(Duration value) { return set(RESPONSE_CACHE_TTL, value); }

    /** Sets {@code loadWeight}, 1..Long.MAX_VALUE. */
    public Builder loadWeight(long value) { return set(LOAD_WEIGHT, value); }

    /** Sets {@code latencyTarget}, 0 (off)..1 h: the p99 objective of the scheduler's SLA mode. */
    public Builder latencyTarget(Duration value) { return set(LATENCY_TARGET, value); }

    /**
     * Applies values keyed by field name, as found in a manifest's {@code config} section; object-valued fields
     * ({@code handlerProperties}, {@code engineOptions}) are merged key by key. Unknown or null keys and values of
     * the wrong type are errors. Durations are strings such as {@code "5ms"}, {@code "2s"} or ISO-8601.
     */
    public Builder apply(Map<String, ?> values) {
      if (values != null) {
        values.forEach(this::applyOne);
      }
      return this;
    }

    /** Builds the configuration, checking rules that span fields. */
    public ModelConfig build() {
      Object[] resolved = values.clone();
      ConfigFields.resolve(resolved);
      return new ModelConfig(resolved, explicit.clone());
    }

    private void applyOne(String key, Object json) {
      ConfigField<?> f = ConfigFields.find(key);
      if (f == WORKERS) {
        workers(WORKERS.parse(json));
      } else if (f == HANDLER_PROPERTIES || f == ENGINE_OPTIONS) {
        @SuppressWarnings("unchecked")
        ConfigField<Map<String, String>> map = (ConfigField<Map<String, String>>) f;
        map.parse(json).forEach((k, v) -> put(map, k, v));
      } else {
        setParsed(f, json);
      }
    }

    private <T> void setParsed(ConfigField<T> f, Object json) {
      set(f, f.parse(json));
    }

    private Builder put(ConfigField<Map<String, String>> f, String key, String value) {
      Map<String, String> merged = new LinkedHashMap<>(ConfigFields.get(values, f));
      merged.put(key, value);
      return set(f, merged);
    }

    private <T> Builder set(ConfigField<T> f, T value) {
      values[f.index()] = f.check(value);
      explicit[f.index()] = true;
      return this;
    }
  }
}
