package dev.serving4j;

/**
 * The time source of a {@link ModelServer}'s scheduling decisions, in nanoseconds (like {@link System#nanoTime()}):
 * request arrival and deadlines, batch start times, the inference-timeout watchdog, idleness, autoscaling, and the
 * times in events and {@code describe()}. Tests inject a controllable one ({@code ModelServer.builder().ticker(...)})
 * to drive these decisions deterministically: a request expires, and a batch overruns, when the ticker has passed
 * its moment. The timer thread that checks them sleeps on real time for the ticker interval it waits for, and
 * waits (drain on close, restart backoff) are real waits.
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
