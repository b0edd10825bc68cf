package dev.serving4j.internal.config;

import static dev.serving4j.internal.config.ValueTypes.any;
import static dev.serving4j.internal.config.ValueTypes.durationIn;
import static dev.serving4j.internal.config.ValueTypes.eachIn;
import static dev.serving4j.internal.config.ValueTypes.entries;
import static dev.serving4j.internal.config.ValueTypes.intIn;
import static dev.serving4j.internal.config.ValueTypes.longIn;

import dev.serving4j.BatchingMode;
import dev.serving4j.Device;
import dev.serving4j.InvalidConfigException;
import dev.serving4j.internal.config.ConfigField.Rule;
import dev.serving4j.internal.config.ConfigField.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The table of {@code ModelConfig} fields, in the order of {@code docs/configuration.md}'s table (a test holds the
 * two together), and the rules that span fields. Adding a field is one entry here plus its typed accessor and
 * setter in {@code ModelConfig}, and one row in the docs, which say what each field means.
 */
public final class ConfigFields {
  private static final List<ConfigField<?>> STORED = new ArrayList<>();

  /** Workers started at registration and kept at least. */
  public static final ConfigField<Integer> MIN_WORKERS = stored("minWorkers", ValueTypes.INT, 1, intIn(0, 1024));
  /** Most workers; while never set, equal to {@code minWorkers}. */
  public static final ConfigField<Integer> MAX_WORKERS = add(new ConfigField<>(STORED.size(), "maxWorkers",
      ValueTypes.INT, null, intIn(0, 1024), MIN_WORKERS));
  /** Shorthand that sets {@code minWorkers} and {@code maxWorkers} to one value; stores nothing itself. */
  public static final ConfigField<Integer> WORKERS = new ConfigField<>(-1, "workers", ValueTypes.INT, null,
      intIn(0, 1024), null);
  public static final ConfigField<Integer> MAX_BATCH_SIZE = stored("maxBatchSize", ValueTypes.INT, 8,
      intIn(1, 65_536));
  public static final ConfigField<Duration> MAX_BATCH_DELAY = stored("maxBatchDelay", ValueTypes.DURATION,
      Duration.ofMillis(5), durationIn(Duration.ZERO, Duration.ofMinutes(1)));
  public static final ConfigField<BatchingMode> BATCHING_MODE = stored("batchingMode", ValueTypes.BATCHING_MODE,
      BatchingMode.ADAPTIVE, any());
  public static final ConfigField<Integer> MAX_QUEUE_SIZE = stored("maxQueueSize", ValueTypes.INT, 1000,
      intIn(1, 10_000_000));
  public static final ConfigField<Duration> REQUEST_TIMEOUT = stored("requestTimeout", ValueTypes.DURATION,
      Duration.ZERO, durationIn(Duration.ZERO, Duration.ofDays(1)));
  public static final ConfigField<Duration> INFERENCE_TIMEOUT = stored("inferenceTimeout", ValueTypes.DURATION,
      Duration.ofSeconds(60), durationIn(Duration.ofMillis(1), Duration.ofDays(1)));
  public static final ConfigField<List<Device>> DEVICES = stored("devices", ValueTypes.DEVICES, List.of(Device.CPU),
      ValueTypes.distinctDevices());
  public static final ConfigField<Map<String, String>> HANDLER_PROPERTIES = stored("handlerProperties",
      ValueTypes.STRING_MAP, Map.of(), entries("—"));
  public static final ConfigField<Map<String, String>> ENGINE_OPTIONS = stored("engineOptions",
      ValueTypes.STRING_MAP, Map.of(), entries("checked by the engine"));
  public static final ConfigField<Integer> PRIORITY_LEVELS = stored("priorityLevels", ValueTypes.INT, 1,
      intIn(1, 16));
  public static final ConfigField<List<Integer>> PRIORITY_QUEUE_LIMITS = stored("priorityQueueLimits",
      ValueTypes.INT_LIST, List.of(), eachIn(intIn(1, 10_000_000), false));
  public static final ConfigField<List<Duration>> PRIORITY_TIMEOUTS = stored("priorityTimeouts",
      ValueTypes.DURATION_LIST, List.of(), eachIn(durationIn(Duration.ZERO, Duration.ofDays(1)), false));
  public static final ConfigField<Long> MAX_BATCH_COST = stored("maxBatchCost", ValueTypes.LONG, 0L,
      longIn(0, Long.MAX_VALUE));
  public static final ConfigField<List<Integer>> PREFERRED_BATCH_SIZES = stored("preferredBatchSizes",
      ValueTypes.INT_LIST, List.of(), eachIn(intIn(1, 65_536), true));
  public static final ConfigField<Boolean> FAILURE_ISOLATION = stored("failureIsolation", ValueTypes.BOOLEAN, true,
      any());
  public static final ConfigField<Boolean> IDEMPOTENT = stored("idempotent", ValueTypes.BOOLEAN, true, any());
  public static final ConfigField<Boolean> CALLER_RUNS = stored("callerRuns", ValueTypes.BOOLEAN, true, any());
  public static final ConfigField<Duration> SCALE_UP_WAIT = stored("scaleUpWait", ValueTypes.DURATION,
      Duration.ofMillis(100), durationIn(Duration.ofMillis(1), Duration.ofHours(1)));
  public static final ConfigField<Duration> SCALE_DOWN_IDLE = stored("scaleDownIdle", ValueTypes.DURATION,
      Duration.ofSeconds(30), durationIn(Duration.ofMillis(1), Duration.ofDays(1)));
  public static final ConfigField<Duration> SCALE_COOLDOWN = stored("scaleCooldown", ValueTypes.DURATION,
      Duration.ofSeconds(1), durationIn(Duration.ZERO, Duration.ofHours(1)));
  public static final ConfigField<Long> RESPONSE_CACHE_SIZE = stored("responseCacheSize", ValueTypes.LONG, 0L,
      longIn(0, 100_000_000));
  public static final ConfigField<Duration> RESPONSE_CACHE_TTL = stored("responseCacheTtl", ValueTypes.DURATION,
      Duration.ZERO, durationIn(Duration.ZERO, Duration.ofDays(30)));
  public static final ConfigField<Long> LOAD_WEIGHT = stored("loadWeight", ValueTypes.LONG, 1L,
      longIn(1, Long.MAX_VALUE));
  /** A p99 latency objective for the scheduler's SLA mode; zero turns the mode off. */
  public static final ConfigField<Duration> LATENCY_TARGET = stored("latencyTarget", ValueTypes.DURATION,
      Duration.ZERO, durationIn(Duration.ZERO, Duration.ofHours(1)));

  /** The fields a configuration stores, index order. */
  public static final List<ConfigField<?>> ALL = List.copyOf(STORED);
  /** Every field a manifest or {@code apply} may name, in the docs' order (the {@code workers} shorthand too). */
  public static final List<ConfigField<?>> NAMED = named();

  private static final Map<String, ConfigField<?>> BY_NAME =
      NAMED.stream().collect(Collectors.toUnmodifiableMap(ConfigField::name, Function.identity()));
  private static final String KNOWN = NAMED.stream().map(ConfigField::name).collect(Collectors.joining(", "));

  private ConfigFields() {}

  /**
   * Returns the field named {@code name}.
   *
   * @throws InvalidConfigException when the name is null or names no field, listing the known fields
   */
  public static ConfigField<?> find(String name) {
    if (name == null) {
      throw new InvalidConfigException("config field name must not be null; known fields: " + KNOWN);
    }
    ConfigField<?> f = BY_NAME.get(name);
    if (f == null) {
      throw new InvalidConfigException("unknown config field '" + name + "'; known fields: " + KNOWN);
    }
    return f;
  }

  /** Returns the field named {@code name}, or null when there is none. */
  public static ConfigField<?> lookup(String name) {
    return name == null ? null : BY_NAME.get(name);
  }

  /**
   * Checks the rules that span fields over a value array whose derived fields are filled in.
   *
   * @throws InvalidConfigException naming both fields of a broken rule
   */
  static void checkAcrossFields(Object[] values) {
    int min = get(values, MIN_WORKERS);
    int max = get(values, MAX_WORKERS);
    if (max < min) {
      throw new InvalidConfigException("maxWorkers (" + max + ") must be >= minWorkers (" + min + ")");
    }
    int levels = get(values, PRIORITY_LEVELS);
    requireOnePerLevel(PRIORITY_QUEUE_LIMITS, get(values, PRIORITY_QUEUE_LIMITS), levels);
    requireOnePerLevel(PRIORITY_TIMEOUTS, get(values, PRIORITY_TIMEOUTS), levels);
    List<Integer> limits = get(values, PRIORITY_QUEUE_LIMITS);
    int queue = get(values, MAX_QUEUE_SIZE);
    for (int i = 0; i < limits.size(); i++) {
      if (limits.get(i) > queue) {
        throw new InvalidConfigException("priorityQueueLimits[" + i + "] (" + limits.get(i)
            + ") must be <= maxQueueSize (" + queue + ")");
      }
    }
    List<Integer> preferred = get(values, PREFERRED_BATCH_SIZES);
    int batch = get(values, MAX_BATCH_SIZE);
    if (!preferred.isEmpty() && preferred.get(preferred.size() - 1) > batch) {
      throw new InvalidConfigException("preferredBatchSizes " + preferred + " must not exceed maxBatchSize " + batch);
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> T get(Object[] values, ConfigField<T> field) {
    return (T) values[field.index()];
  }

  private static void requireOnePerLevel(ConfigField<?> field, List<?> list, int levels) {
    if (!list.isEmpty() && list.size() != levels) {
      throw new InvalidConfigException(field.name() + " has " + list.size()
          + " entries; expected one per level (priorityLevels " + levels + ")");
    }
  }

  private static <T> ConfigField<T> stored(String name, Type<T> type, T defaultValue, Rule<T> rule) {
    return add(new ConfigField<>(STORED.size(), name, type, defaultValue, rule, null));
  }

  private static <T> ConfigField<T> add(ConfigField<T> field) {
    STORED.add(field);
    return field;
  }

  private static List<ConfigField<?>> named() {
    List<ConfigField<?>> all = new ArrayList<>(STORED);
    all.add(all.indexOf(MAX_WORKERS) + 1, WORKERS);
    return List.copyOf(all);
  }
}
