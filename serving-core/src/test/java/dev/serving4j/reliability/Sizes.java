package dev.serving4j.reliability;

/**
 * Suite sizes: CI size by default, full size with {@code -Dserving4j.reliability.full=true} (or the
 * {@code reliability-full} Maven profile). {@code -Dserving4j.reliability.seed=N} replays a chaos run.
 */
final class Sizes {
  private Sizes() {}

  /** True when the full-size suites were asked for. */
  static boolean full() {
    return Boolean.getBoolean("serving4j.reliability.full");
  }

  /** {@code ci} normally, {@code full} under the full profile. */
  static int pick(int ci, int full) {
    return full() ? full : ci;
  }

  /** The seed given with {@code -Dserving4j.reliability.seed}, else a fresh one (printed by the caller). */
  static long seed() {
    String given = System.getProperty("serving4j.reliability.seed");
    return given == null || given.isBlank() ? System.nanoTime() : Long.parseLong(given.trim());
  }
}
