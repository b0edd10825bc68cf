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
 *
 * <p>Long only because it holds every serving knob (twenty-odd fields, each with an accessor, a validating setter
 * and javadoc); the parsing of manifest values lives in {@code ConfigMaps}.
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
  private final int priorityLevels;
  private final List<Integer> priorityQueueLimits;
  private final List<Duration> priorityTimeouts;
  private final long maxBatchCost;
  private final List<Integer> preferredBatchSizes;
  private final boolean failureIsolation;
  private final boolean idempotent;
  private final Duration scaleUpWait;
  private final Duration scaleDownIdle;
  private final Duration scaleCooldown;
  private final long responseCacheSize;
  private final Duration responseCacheTtl;
  private final long loadWeight;
  private final Duration latencyTarget;
  private final boolean workersSet;

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
    this.priorityLevels = b.priorityLevels;
    this.priorityQueueLimits = List.copyOf(b.priorityQueueLimits);
    this.priorityTimeouts = List.copyOf(b.priorityTimeouts);
    this.maxBatchCost = b.maxBatchCost;
    this.preferredBatchSizes = List.copyOf(b.preferredBatchSizes);
    this.failureIsolation = b.failureIsolation;
    this.idempotent = b.idempotent;
    this.scaleUpWait = b.scaleUpWait;
    this.scaleDownIdle = b.scaleDownIdle;
    this.scaleCooldown = b.scaleCooldown;
    this.responseCacheSize = b.responseCacheSize;
    this.responseCacheTtl = b.responseCacheTtl;
    this.loadWeight = b.loadWeight;
    this.latencyTarget = b.latencyTarget;
    this.workersSet = b.workersSet;
  }

  /**
   * Whether {@code field} was set explicitly (by the archive's config or an override) rather than left at its
   * default; for {@code minWorkers}/{@code maxWorkers}/{@code workers}, whether any of them was. When none was, the
   * engine chooses the worker count (see {@code docs/configuration.md}).
   *
   * @throws InvalidConfigException for a field this method does not track
   */
  public boolean isSet(String field) {
    return switch (field) {
      case "minWorkers", "maxWorkers", "workers" -> workersSet;
      default -> throw new InvalidConfigException("isSet does not track field '" + field + "'");
    };
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

  /** Number of priority levels; a request's priority is 0 (lowest, the default) to levels - 1. Default 1. */
  public int priorityLevels() {
    return priorityLevels;
  }

  /** Per-level queue limits (index = level), or empty: every level shares {@code maxQueueSize}. */
  public List<Integer> priorityQueueLimits() {
    return priorityQueueLimits;
  }

  /** Per-level default timeouts (index = level; zero = none), or empty: {@code requestTimeout} for all. */
  public List<Duration> priorityTimeouts() {
    return priorityTimeouts;
  }

  /**
   * Budget of a batch's padded cost (largest request cost x batch size), with costs from {@link Handler#cost};
   * 0 means unbounded (the default). A single request above the budget still runs, alone.
   */
  public long maxBatchCost() {
    return maxBatchCost;
  }

  /** Batch sizes the handler runs best at (ascending), preferred without waiting; empty (default) for none. */
  public List<Integer> preferredBatchSizes() {
    return preferredBatchSizes;
  }

  /** Whether a batch that fails as a whole is bisected to find the poison request(s). Default true. */
  public boolean failureIsolation() {
    return failureIsolation;
  }

  /** Whether requests of a batch whose worker died are retried once on another worker. Default true. */
  public boolean idempotent() {
    return idempotent;
  }

  /** Autoscaling: add a worker (up to maxWorkers) when the oldest queued request has waited this long. */
  public Duration scaleUpWait() {
    return scaleUpWait;
  }

  /** Autoscaling: retire a worker above minWorkers once it has been idle this long. */
  public Duration scaleDownIdle() {
    return scaleDownIdle;
  }

  /** Autoscaling: least time between two scaling decisions. */
  public Duration scaleCooldown() {
    return scaleCooldown;
  }

  /**
   * Most answers kept in the response cache (keys from {@link Handler#cacheKey}); 0 (the default) turns the cache
   * off. Cached calls are answered without entering the queue.
   */
  public long responseCacheSize() {
    return responseCacheSize;
  }

  /** How long a cached answer stays valid; zero (the default) means until evicted by size. */
  public Duration responseCacheTtl() {
    return responseCacheTtl;
  }

  /**
   * What this version weighs against the server's {@code maxLoadedModels} budget while loaded: 1 by default (the
   * budget is then a count), or an estimate such as its memory in MB.
   */
  public long loadWeight() {
    return loadWeight;
  }

  /**
   * The latency objective (a p99 target) of SLA mode; {@link Duration#ZERO} (the default) turns SLA mode off. When
   * set, the batcher maximises goodput (answers within the target per second) and fails a request that carries a
   * deadline and is predicted to miss it early, with {@link DeadlineExceededException}.
   */
  public Duration latencyTarget() {
    return latencyTarget;
  }

  /** The default timeout of a request at {@code level}: its level's timeout if set, else {@code requestTimeout}. */
  public Duration timeoutFor(int level) {
    return priorityTimeouts.isEmpty() ? requestTimeout : priorityTimeouts.get(level);
  }

  /** The queue limit of {@code level}: its own if set, else {@code maxQueueSize}. */
  public int queueLimitFor(int level) {
    return priorityQueueLimits.isEmpty() ? maxQueueSize : priorityQueueLimits.get(level);
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
    m.put("priorityLevels", priorityLevels);
    m.put("priorityQueueLimits", priorityQueueLimits);
    m.put("priorityTimeouts", priorityTimeouts.stream().map(Durations::format).toList());
    m.put("maxBatchCost", maxBatchCost);
    m.put("preferredBatchSizes", preferredBatchSizes);
    m.put("failureIsolation", failureIsolation);
    m.put("idempotent", idempotent);
    m.put("scaleUpWait", Durations.format(scaleUpWait));
    m.put("scaleDownIdle", Durations.format(scaleDownIdle));
    m.put("scaleCooldown", Durations.format(scaleCooldown));
    m.put("responseCacheSize", responseCacheSize);
    m.put("responseCacheTtl", Durations.format(responseCacheTtl));
    m.put("loadWeight", loadWeight);
    m.put("latencyTarget", Durations.format(latencyTarget));
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
    private boolean workersSet;
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
    private int priorityLevels = 1;
    private List<Integer> priorityQueueLimits = List.of();
    private List<Duration> priorityTimeouts = List.of();
    private long maxBatchCost;
    private List<Integer> preferredBatchSizes = List.of();
    private boolean failureIsolation = true;
    private boolean idempotent = true;
    private Duration scaleUpWait = Duration.ofMillis(100);
    private Duration scaleDownIdle = Duration.ofSeconds(30);
    private Duration scaleCooldown = Duration.ofSeconds(1);
    private long responseCacheSize;
    private Duration responseCacheTtl = Duration.ZERO;
    private long loadWeight = 1;
    private Duration latencyTarget = Duration.ZERO;

    private Builder() {}

    private Builder(ModelConfig c) {
      minWorkers = c.minWorkers;
      workersSet = c.workersSet;
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
      priorityLevels = c.priorityLevels;
      priorityQueueLimits = c.priorityQueueLimits;
      priorityTimeouts = c.priorityTimeouts;
      maxBatchCost = c.maxBatchCost;
      preferredBatchSizes = c.preferredBatchSizes;
      failureIsolation = c.failureIsolation;
      idempotent = c.idempotent;
      scaleUpWait = c.scaleUpWait;
      scaleDownIdle = c.scaleDownIdle;
      scaleCooldown = c.scaleCooldown;
      responseCacheSize = c.responseCacheSize;
      responseCacheTtl = c.responseCacheTtl;
      loadWeight = c.loadWeight;
      latencyTarget = c.latencyTarget;
    }

    /** Sets {@code minWorkers}, 0..1024. */
    public Builder minWorkers(int value) {
      minWorkers = inRange("minWorkers", value, 0, 1024);
      workersSet = true;
      return this;
    }

    /** Sets {@code maxWorkers}, 1..1024 and not below {@code minWorkers}. */
    public Builder maxWorkers(int value) {
      maxWorkersOrNull = inRange("maxWorkers", value, 1, 1024);
      workersSet = true;
      return this;
    }

    /** Sets both {@code minWorkers} and {@code maxWorkers} to {@code value} (a fixed pool). */
    public Builder workers(int value) {
      inRange("workers", value, 1, 1024);
      return minWorkers(value).maxWorkers(value);
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

    /** Sets {@code priorityLevels}, 1..16. */
    public Builder priorityLevels(int value) {
      priorityLevels = inRange("priorityLevels", value, 1, 16);
      return this;
    }

    /** Sets per-level queue limits (one per level, each 1..maxQueueSize), or an empty list to share. */
    public Builder priorityQueueLimits(List<Integer> value) {
      requireNonNull("priorityQueueLimits", value);
      for (Integer v : value) {
        inRange("priorityQueueLimits[i]", requireNonNull("priorityQueueLimits[i]", v), 1, 10_000_000);
      }
      priorityQueueLimits = List.copyOf(value);
      return this;
    }

    /** Sets per-level default timeouts (one per level; zero = none), or an empty list. */
    public Builder priorityTimeouts(List<Duration> value) {
      requireNonNull("priorityTimeouts", value);
      value.forEach(d -> durationInRange("priorityTimeouts[i]", d, Duration.ofDays(1)));
      priorityTimeouts = List.copyOf(value);
      return this;
    }

    /** Sets {@code maxBatchCost}, 0 (unbounded)..Long.MAX_VALUE. */
    public Builder maxBatchCost(long value) {
      if (value < 0) {
        throw new InvalidConfigException("maxBatchCost must be >= 0 (0 = unbounded), was " + value);
      }
      maxBatchCost = value;
      return this;
    }

    /** Sets {@code preferredBatchSizes}: strictly ascending, each 1..maxBatchSize (checked at build). */
    public Builder preferredBatchSizes(List<Integer> value) {
      requireNonNull("preferredBatchSizes", value);
      for (int i = 0; i < value.size(); i++) {
        int v = inRange("preferredBatchSizes[" + i + "]", requireNonNull("preferredBatchSizes[i]", value.get(i)),
            1, 65_536);
        if (i > 0 && v <= value.get(i - 1)) {
          throw new InvalidConfigException("preferredBatchSizes must be strictly ascending, was " + value);
        }
      }
      preferredBatchSizes = List.copyOf(value);
      return this;
    }

    /** Sets {@code failureIsolation}. */
    public Builder failureIsolation(boolean value) {
      failureIsolation = value;
      return this;
    }

    /** Sets {@code idempotent}. */
    public Builder idempotent(boolean value) {
      idempotent = value;
      return this;
    }

    /** Sets {@code scaleUpWait}, 1 ms..1 h. */
    public Builder scaleUpWait(Duration value) {
      scaleUpWait = positive("scaleUpWait", value, Duration.ofHours(1));
      return this;
    }

    /** Sets {@code scaleDownIdle}, 1 ms..1 day. */
    public Builder scaleDownIdle(Duration value) {
      scaleDownIdle = positive("scaleDownIdle", value, Duration.ofDays(1));
      return this;
    }

    /** Sets {@code scaleCooldown}, 0..1 h. */
    public Builder scaleCooldown(Duration value) {
      scaleCooldown = durationInRange("scaleCooldown", value, Duration.ofHours(1));
      return this;
    }

    /** Sets {@code responseCacheSize}, 0 (off)..100,000,000 entries. */
    public Builder responseCacheSize(long value) {
      if (value < 0 || value > 100_000_000) {
        throw new InvalidConfigException("responseCacheSize must be in 0..100000000, was " + value);
      }
      responseCacheSize = value;
      return this;
    }

    /** Sets {@code responseCacheTtl}, 0 (no expiry)..30 days. */
    public Builder responseCacheTtl(Duration value) {
      responseCacheTtl = durationInRange("responseCacheTtl", value, Duration.ofDays(30));
      return this;
    }

    /** Sets {@code latencyTarget}, 0 (off)..1 h. */
    public Builder latencyTarget(Duration value) {
      latencyTarget = durationInRange("latencyTarget", value, Duration.ofHours(1));
      return this;
    }

    /** Sets {@code loadWeight}, 1..Long.MAX_VALUE. */
    public Builder loadWeight(long value) {
      if (value < 1) {
        throw new InvalidConfigException("loadWeight must be >= 1, was " + value);
      }
      loadWeight = value;
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
      if (!priorityQueueLimits.isEmpty() && priorityQueueLimits.size() != priorityLevels) {
        throw new InvalidConfigException("priorityQueueLimits has " + priorityQueueLimits.size()
            + " entries; expected one per level (priorityLevels " + priorityLevels + ")");
      }
      if (!priorityTimeouts.isEmpty() && priorityTimeouts.size() != priorityLevels) {
        throw new InvalidConfigException("priorityTimeouts has " + priorityTimeouts.size()
            + " entries; expected one per level (priorityLevels " + priorityLevels + ")");
      }
      if (!preferredBatchSizes.isEmpty() && preferredBatchSizes.get(preferredBatchSizes.size() - 1) > maxBatchSize) {
        throw new InvalidConfigException("preferredBatchSizes " + preferredBatchSizes
            + " must not exceed maxBatchSize " + maxBatchSize);
      }
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

    private static Duration positive(String field, Duration value, Duration max) {
      durationInRange(field, value, max);
      if (value.isZero()) {
        throw new InvalidConfigException(field + " must be > 0, was 0ms");
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
