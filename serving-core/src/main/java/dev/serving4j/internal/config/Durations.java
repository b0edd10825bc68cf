package dev.serving4j.internal.config;

import dev.serving4j.InvalidConfigException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and prints the short duration forms used in manifests and configs ({@code 5ms}, {@code 2s}, {@code 1d},
 * ISO-8601). {@link #format} prints the largest unit that is exact, in a form {@link #parse} reads back.
 */
public final class Durations {
  private static final Pattern SHORT = Pattern.compile("(\\d+)\\s*(ns|us|ms|s|m|h|d)");
  private static final String[] UNITS = {"d", "h", "m", "s", "ms", "us"};
  private static final long[] UNIT_NANOS = {86_400_000_000_000L, 3_600_000_000_000L, 60_000_000_000L,
      1_000_000_000L, 1_000_000L, 1_000L};

  /**
   * The longest wait serving4j represents, about 73 years: a longer one cannot be added to a {@code nanoTime} reading
   * without overflow, so it is saturated to this ("forever") rather than overflowing.
   */
  public static final Duration FOREVER = Duration.ofNanos(Long.MAX_VALUE / 4);

  private Durations() {}

  /** {@code d}, or {@link #FOREVER} when {@code d} is longer. */
  public static Duration saturate(Duration d) {
    return d.compareTo(FOREVER) > 0 ? FOREVER : d;
  }

  /**
   * Requires {@code d} to be non-null and non-negative (and positive unless {@code zeroAllowed}), then saturates it.
   *
   * @throws InvalidConfigException naming {@code field} and the value
   */
  public static Duration requireWait(String field, Duration d, boolean zeroAllowed) {
    if (d == null || d.isNegative() || (!zeroAllowed && d.isZero())) {
      throw new InvalidConfigException(field + " must be " + (zeroAllowed ? ">= 0" : "> 0") + ", was " + d);
    }
    return saturate(d);
  }

  /** Reads {@code value}, a duration string or a whole number of milliseconds, as {@code field}'s value. */
  public static Duration parse(String field, Object value) {
    if (value instanceof Number n) {
      if (n.doubleValue() != Math.rint(n.doubleValue())) {
        throw new InvalidConfigException(field + " in milliseconds must be a whole number, was " + value);
      }
      return Duration.ofMillis(n.longValue());
    }
    if (!(value instanceof String s)) {
      throw new InvalidConfigException(field + " must be a duration such as \"5ms\" or \"2s\", was " + value);
    }
    Matcher m = SHORT.matcher(s.trim().toLowerCase(Locale.ROOT));
    try {
      if (m.matches()) {
        long amount = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
          case "ns" -> Duration.ofNanos(amount);
          case "us" -> Duration.ofNanos(Math.multiplyExact(amount, 1000));
          case "ms" -> Duration.ofMillis(amount);
          case "s" -> Duration.ofSeconds(amount);
          case "m" -> Duration.ofMinutes(amount);
          case "h" -> Duration.ofHours(amount);
          default -> Duration.ofDays(amount);
        };
      }
      return Duration.parse(s.trim());
    } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
      throw new InvalidConfigException(
          field + " must be a duration such as \"5ms\", \"2s\" or \"PT1S\", was \"" + s + "\"");
    }
  }

  /** Prints {@code d} in the largest unit that holds it exactly, such as {@code 5ms}, {@code 1m} or {@code 1d}. */
  public static String format(Duration d) {
    if (d.isZero()) {
      return "0ms";
    }
    if (d.getSeconds() < Long.MAX_VALUE / 1_000_000_000L && d.getSeconds() > Long.MIN_VALUE / 1_000_000_000L) {
      long nanos = d.toNanos();
      for (int i = 0; i < UNITS.length; i++) {
        if (nanos % UNIT_NANOS[i] == 0) {
          return nanos / UNIT_NANOS[i] + UNITS[i];
        }
      }
      return nanos + "ns";
    }
    return d.toString(); // beyond ~292 years in nanoseconds: ISO-8601, which parse reads too
  }
}
