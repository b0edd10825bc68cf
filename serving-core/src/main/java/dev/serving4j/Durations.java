package dev.serving4j;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses and prints the short duration forms used in manifests and configs ({@code 5ms}, {@code 2s}, ISO-8601). */
final class Durations {
  private static final Pattern SHORT = Pattern.compile("(\\d+)\\s*(ns|us|ms|s|m|h)");

  /**
   * The longest wait serving4j represents, about 73 years: a longer one cannot be added to a {@code nanoTime} reading
   * without overflow, so it is saturated to this ("forever") rather than overflowing.
   */
  static final Duration FOREVER = Duration.ofNanos(Long.MAX_VALUE / 4);

  private Durations() {}

  /** {@code d}, or {@link #FOREVER} when {@code d} is longer. */
  static Duration saturate(Duration d) {
    return d.compareTo(FOREVER) > 0 ? FOREVER : d;
  }

  /**
   * Requires {@code d} to be non-null and non-negative (and positive unless {@code zeroAllowed}), then saturates it.
   *
   * @throws InvalidConfigException naming {@code field} and the value
   */
  static Duration requireWait(String field, Duration d, boolean zeroAllowed) {
    if (d == null || d.isNegative() || (!zeroAllowed && d.isZero())) {
      throw new InvalidConfigException(field + " must be " + (zeroAllowed ? ">= 0" : "> 0") + ", was " + d);
    }
    return saturate(d);
  }

  static Duration parse(String field, Object value) {
    if (value instanceof Number n) {
      if (n.doubleValue() != Math.rint(n.doubleValue())) {
        throw new InvalidConfigException(field + " in milliseconds must be a whole number, was " + value);
      }
      return Duration.ofMillis(n.longValue());
    }
    if (!(value instanceof String s)) {
      throw new InvalidConfigException(field + " must be a duration such as \"5ms\" or \"2s\", was " + value);
    }
    String text = s.trim().toLowerCase(Locale.ROOT);
    Matcher m = SHORT.matcher(text);
    if (m.matches()) {
      long amount = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ns" -> Duration.ofNanos(amount);
        case "us" -> Duration.ofNanos(amount * 1000);
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        default -> Duration.ofHours(amount);
      };
    }
    try {
      return Duration.parse(s.trim());
    } catch (DateTimeParseException e) {
      throw new InvalidConfigException(
          field + " must be a duration such as \"5ms\", \"2s\" or \"PT1S\", was \"" + s + "\"");
    }
  }

  static String format(Duration d) {
    if (d.isZero()) {
      return "0ms";
    }
    if (d.toNanosPart() % 1_000_000 != 0) {
      return d.toNanos() % 1000 == 0 ? d.toNanos() / 1000 + "us" : d.toNanos() + "ns";
    }
    long ms = d.toMillis();
    return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
  }
}
