package dev.serving4j.internal.config;

import dev.serving4j.BatchingMode;
import dev.serving4j.Device;
import dev.serving4j.InvalidConfigException;
import dev.serving4j.internal.config.ConfigField.JsonShape;
import dev.serving4j.internal.config.ConfigField.Rule;
import dev.serving4j.internal.config.ConfigField.Type;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The value types of config fields (how a plain JSON value is read and written) and the rules their values pass.
 * Each rule's text is what {@code docs/configuration.md} prints in its "valid range" column, and its message says
 * the same range, so the docs, the code and the errors cannot disagree.
 */
final class ValueTypes {
  static final Type<Integer> INT = new Type<>("int", JsonShape.NUMBER, ValueTypes::toInt, v -> v, v -> v);
  static final Type<Long> LONG = new Type<>("long", JsonShape.NUMBER, ValueTypes::toLong, v -> v, v -> v);
  static final Type<Boolean> BOOLEAN = new Type<>("boolean", JsonShape.BOOLEAN, ValueTypes::toBoolean, v -> v,
      v -> v);
  static final Type<Duration> DURATION = new Type<>("duration", JsonShape.DURATION, Durations::parse,
      Durations::format, v -> v);
  static final Type<BatchingMode> BATCHING_MODE = new Type<>("ADAPTIVE | FIXED_DELAY", JsonShape.STRING,
      ValueTypes::toMode, Enum::name, v -> v);
  static final Type<List<Device>> DEVICES = new Type<>("list of cpu / gpu:N", JsonShape.STRINGS,
      (f, v) -> toStrings(f, v).stream().map(Device::parse).toList(), v -> v.stream().map(Device::toString).toList(),
      List::copyOf);
  static final Type<Map<String, String>> STRING_MAP = new Type<>("object of strings", JsonShape.SCALAR_MAP,
      ValueTypes::toStringMap, LinkedHashMap::new, v -> Collections.unmodifiableMap(new LinkedHashMap<>(v)));
  static final Type<List<Integer>> INT_LIST = new Type<>("list of int", JsonShape.NUMBERS,
      (f, v) -> toList(f, v).stream().map(x -> toInt(f, x)).toList(), v -> v, List::copyOf);
  static final Type<List<Duration>> DURATION_LIST = new Type<>("list of durations", JsonShape.DURATIONS,
      (f, v) -> toList(f, v).stream().map(x -> Durations.parse(f, x)).toList(),
      v -> v.stream().map(Durations::format).toList(), List::copyOf);

  private ValueTypes() {}

  static Rule<Integer> intIn(int min, int max) {
    return new Rule<>(min + ".." + max, (f, v) -> requireIn(f, v, min, max));
  }

  static Rule<Long> longIn(long min, long max) {
    String text = max == Long.MAX_VALUE ? "≥ " + min : min + ".." + max;
    return new Rule<>(text, (f, v) -> {
      if (v < min || v > max) {
        throw new InvalidConfigException(f + " must be " + (max == Long.MAX_VALUE ? ">= " + min : "in " + text)
            + ", was " + v);
      }
    });
  }

  static Rule<Duration> durationIn(Duration min, Duration max) {
    String text = Durations.format(min) + ".." + Durations.format(max);
    return new Rule<>(text, (f, v) -> {
      if (v.compareTo(min) < 0 || v.compareTo(max) > 0) {
        throw new InvalidConfigException(f + " must be in " + text + ", was " + Durations.format(v));
      }
    });
  }

  /** Each element passes {@code each}; with {@code ascending}, each is above the one before. */
  @SuppressWarnings("unchecked")
  static <E> Rule<List<E>> eachIn(Rule<E> each, boolean ascending) {
    String text = (ascending ? "ascending, each " : "each ") + each.text();
    return new Rule<>(text, (f, list) -> {
      for (int i = 0; i < list.size(); i++) {
        E v = list.get(i);
        if (v == null) {
          throw new InvalidConfigException(f + "[" + i + "] must not be null");
        }
        each.check().accept(f + "[" + i + "]", v);
        if (ascending && i > 0 && ((Comparable<E>) v).compareTo(list.get(i - 1)) <= 0) {
          throw new InvalidConfigException(f + " must be strictly ascending, was " + list);
        }
      }
    });
  }

  static Rule<List<Device>> distinctDevices() {
    return new Rule<>("non-empty, distinct", (f, v) -> {
      if (v.isEmpty() || v.contains(null) || v.stream().distinct().count() != v.size()) {
        throw new InvalidConfigException(f + " must be a non-empty list of distinct devices, was " + v);
      }
    });
  }

  /** Keys are non-blank and values non-null; {@code text} is what the docs say the values must be. */
  static Rule<Map<String, String>> entries(String text) {
    return new Rule<>(text, (f, v) -> v.forEach((key, value) -> {
      if (key == null || key.isBlank()) {
        throw new InvalidConfigException(f + " keys must be non-blank, was '" + key + "'");
      }
      if (value == null) {
        throw new InvalidConfigException(f + "." + key + " must not be null");
      }
    }));
  }

  static <T> Rule<T> any() {
    return new Rule<>("—", (f, v) -> {});
  }

  static void requireIn(String field, int value, int min, int max) {
    if (value < min || value > max) {
      throw new InvalidConfigException(field + " must be in " + min + ".." + max + ", was " + value);
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
    if (v instanceof Boolean b) {
      return b;
    }
    throw new InvalidConfigException(field + " must be true or false, was " + describe(v));
  }

  private static BatchingMode toMode(String field, Object v) {
    if (v instanceof String s) {
      for (BatchingMode m : BatchingMode.values()) {
        if (m.name().equalsIgnoreCase(s.trim())) {
          return m;
        }
      }
    }
    throw new InvalidConfigException(field + " must be " + String.join(" or ",
        Arrays.stream(BatchingMode.values()).map(Enum::name).toList()) + ", was " + describe(v));
  }

  private static List<?> toList(String field, Object v) {
    if (v instanceof List<?> list) {
      return list;
    }
    throw new InvalidConfigException(field + " must be a list, was " + describe(v));
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
    if (!(v instanceof Map<?, ?> m)) {
      throw new InvalidConfigException(field + " must be an object of string values, was " + describe(v));
    }
    Map<String, String> out = new LinkedHashMap<>();
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

  private static String describe(Object v) {
    if (v == null) {
      return "null";
    }
    String text = String.valueOf(v);
    return v.getClass().getSimpleName() + " " + (text.length() > 80 ? text.substring(0, 80) + "..." : text);
  }
}
