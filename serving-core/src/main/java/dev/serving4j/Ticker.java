package dev.serving4j;

/**
 * The time source of a {@link ModelServer}'s scheduling decisions, in nanoseconds (like {@link System#nanoTime()}):
 * request arrival and deadlines as seen by the batcher, batch start times, idleness and autoscaling. Tests inject a
 * controllable one ({@code ModelServer.builder().ticker(...)}) to drive these decisions deterministically; timers
 * (deadline expiry, the inference-timeout watchdog) and waits still run on real time.
 */
@FunctionalInterface
public interface Ticker {

  /** The current time in nanoseconds, from an arbitrary origin; only differences are meaningful. */
  long read();

  /** The system ticker, {@link System#nanoTime()}. */
  static Ticker system() {
    return System::nanoTime;
  }
}
