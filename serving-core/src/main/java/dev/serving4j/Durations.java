package dev.serving4j;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses and prints the short duration forms used in manifests and configs ({@code 5ms}, {@code 2s}, ISO-8601). */
final class Durations {
  private static final Pattern SHORT = Pattern.compile("(\\d+)\\s*(ns|us|ms|s|m|h)");

  private Durations() {}

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
