package dev.serving4j;

import java.util.List;
import java.util.Map;

/** Applies a manifest's {@code config} section (plain JSON values keyed by field name) to a builder, strictly. */
final class ConfigMaps {
  static final String KNOWN = "minWorkers, maxWorkers, workers, maxBatchSize, maxBatchDelay, batchingMode, "
      + "maxQueueSize, requestTimeout, inferenceTimeout, devices, handlerProperties, engineOptions, priorityLevels, "
      + "priorityQueueLimits, priorityTimeouts, maxBatchCost, preferredBatchSizes, failureIsolation, idempotent, "
      + "scaleUpWait, scaleDownIdle, scaleCooldown, responseCacheSize, responseCacheTtl, loadWeight, latencyTarget";

  private ConfigMaps() {}

  static void apply(ModelConfig.Builder b, Map<String, ?> values) {
    if (values == null) {
      return;
    }
    for (Map.Entry<String, ?> e : values.entrySet()) {
      String key = e.getKey();
      Object v = e.getValue();
      switch (key) {
        case "minWorkers" -> b.minWorkers(toInt(key, v));
        case "maxWorkers" -> b.maxWorkers(toInt(key, v));
        case "workers" -> b.workers(toInt(key, v));
        case "maxBatchSize" -> b.maxBatchSize(toInt(key, v));
        case "maxBatchDelay" -> b.maxBatchDelay(Durations.parse(key, v));
        case "batchingMode" -> b.batchingMode(toMode(v));
        case "maxQueueSize" -> b.maxQueueSize(toInt(key, v));
        case "requestTimeout" -> b.requestTimeout(Durations.parse(key, v));
        case "inferenceTimeout" -> b.inferenceTimeout(Durations.parse(key, v));
        case "devices" -> b.devices(toStrings(key, v).stream().map(Device::parse).toList());
        case "handlerProperties" -> toStringMap(key, v).forEach(b::handlerProperty);
        case "engineOptions" -> toStringMap(key, v).forEach(b::engineOption);
        case "priorityLevels" -> b.priorityLevels(toInt(key, v));
        case "priorityQueueLimits" -> b.priorityQueueLimits(toList(key, v).stream().map(x -> toInt(key, x)).toList());
        case "priorityTimeouts" -> b.priorityTimeouts(
            toList(key, v).stream().map(x -> Durations.parse(key, x)).toList());
        case "maxBatchCost" -> b.maxBatchCost(toLong(key, v));
        case "preferredBatchSizes" -> b.preferredBatchSizes(toList(key, v).stream().map(x -> toInt(key, x)).toList());
        case "failureIsolation" -> b.failureIsolation(toBoolean(key, v));
        case "idempotent" -> b.idempotent(toBoolean(key, v));
        case "scaleUpWait" -> b.scaleUpWait(Durations.parse(key, v));
        case "scaleDownIdle" -> b.scaleDownIdle(Durations.parse(key, v));
        case "scaleCooldown" -> b.scaleCooldown(Durations.parse(key, v));
        case "responseCacheSize" -> b.responseCacheSize(toLong(key, v));
        case "responseCacheTtl" -> b.responseCacheTtl(Durations.parse(key, v));
        case "loadWeight" -> b.loadWeight(toLong(key, v));
        case "latencyTarget" -> b.latencyTarget(Durations.parse(key, v));
        default -> throw new InvalidConfigException("unknown config field '" + key + "'; known fields: " + KNOWN);
      }
    }
  }

  private static int toInt(String field, Object v) {
    if (v instanceof Integer i) {
      return i;
    }
    if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && Math.abs(n.doubleValue()) < 1e9) {
      return n.intValue();
    }
    throw new InvalidConfigException(field + " must be a whole number, was " + describe(v));
  }

  private static long toLong(String field, Object v) {
    if (v instanceof Integer || v instanceof Long) {
      return ((Number) v).longValue();
    }
    throw new InvalidConfigException(field + " must be a whole number, was " + describe(v));
  }

  private static boolean toBoolean(String field, Object v) {
    if (v instanceof Boolean bool) {
      return bool;
    }
    throw new InvalidConfigException(field + " must be true or false, was " + describe(v));
  }

  private static List<?> toList(String field, Object v) {
    if (v instanceof List<?> list) {
      return list;
    }
    throw new InvalidConfigException(field + " must be a list, was " + describe(v));
  }

  private static BatchingMode toMode(Object v) {
    if (v instanceof String s) {
      for (BatchingMode m : BatchingMode.values()) {
        if (m.name().equalsIgnoreCase(s.trim())) {
          return m;
        }
      }
    }
    throw new InvalidConfigException("batchingMode must be ADAPTIVE or FIXED_DELAY, was " + describe(v));
  }

  private static List<String> toStrings(String field, Object v) {
    if (v instanceof String s) {
      return List.of(s);
    }
    if (v instanceof List<?> list && list.stream().allMatch(x -> x instanceof String)) {
      return list.stream().map(String.class::cast).toList();
    }
    throw new InvalidConfigException(field + " must be a string or a list of strings, was " + describe(v));
  }

  private static Map<String, String> toStringMap(String field, Object v) {
    if (v instanceof Map<?, ?> m) {
      java.util.LinkedHashMap<String, String> out = new java.util.LinkedHashMap<>();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        Object value = e.getValue();
        if (value instanceof Map || value instanceof List || value == null) {
          throw new InvalidConfigException(field + "." + e.getKey() + " must be a string, number or boolean, was "
              + describe(value));
        }
        out.put(String.valueOf(e.getKey()), String.valueOf(value));
      }
      return out;
    }
    throw new InvalidConfigException(field + " must be an object of string values, was " + describe(v));
  }

  static String describe(Object v) {
    if (v == null) {
      return "null";
    }
    String text = String.valueOf(v);
    if (text.length() > 80) {
      text = text.substring(0, 80) + "...";
    }
    return v.getClass().getSimpleName() + " " + text;
  }
}
