package dev.serving4j.internal.metrics;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Recent latencies of one version, for {@code describe}: p50/p99 latency and throughput over the last
 * {@code window}, from at most {@code capacity} samples.
 *
 * <p>Writers are request completions on any thread, readers are rare ({@code describe}). So writing is cheap: one
 * atomic increment picks a slot in a ring, two stores fill it; nothing blocks or allocates. Reading copies the
 * samples that fall inside the window and sorts them. A reader racing a writer may pair a slot's new end time with
 * its old latency; that moves a percentile by at most one sample, which is fine for a monitoring figure. When more
 * than {@code capacity} requests complete within the window, the figures cover the most recent {@code capacity}
 * and throughput is measured over the span those cover. Works without a {@code MeterRegistry}.
 */
public final class RecentWindow {
  /** Default number of samples kept. */
  public static final int DEFAULT_CAPACITY = 2048;
  /** Default window. */
  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(1);
  private static final long MIN_SPAN_NANOS = 1_000_000;

  private final AtomicLongArray ends;
  private final AtomicLongArray latencies;
  private final AtomicLong written = new AtomicLong();
  private final int mask;
  private final long windowNanos;
  private final long createdNanos;

  /** A window of {@link #DEFAULT_CAPACITY} samples over {@link #DEFAULT_WINDOW}, starting at {@code createdNanos}. */
  public RecentWindow(long createdNanos) {
    this(DEFAULT_CAPACITY, DEFAULT_WINDOW, createdNanos);
  }

  /**
   * Creates a window.
   *
   * @param capacity samples kept, a power of two
   * @param window how far back figures reach
   * @param createdNanos the clock's reading at creation (the server's ticker); throughput is not averaged over time before it
   */
  public RecentWindow(int capacity, Duration window, long createdNanos) {
    if (capacity < 1 || Integer.bitCount(capacity) != 1) {
      throw new IllegalArgumentException("capacity must be a power of two, was " + capacity);
    }
    if (window == null || window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("window must be > 0, was " + window);
    }
    this.ends = new AtomicLongArray(capacity);
    this.latencies = new AtomicLongArray(capacity);
    this.mask = capacity - 1;
    this.windowNanos = window.toNanos();
    this.createdNanos = createdNanos;
    long never = createdNanos - windowNanos - 1; // a slot not written yet lies outside every window
    for (int i = 0; i < capacity; i++) {
      ends.set(i, never);
    }
  }

  /** Records one request that completed at {@code endNanos} after {@code latencyNanos} (the creator's clock). */
  public void record(long endNanos, long latencyNanos) {
    int slot = (int) (written.getAndIncrement() & mask);
    latencies.setOpaque(slot, latencyNanos);
    ends.setRelease(slot, endNanos);
  }

  /** The figures as of {@code nowNanos}. */
  public Snapshot snapshot(long nowNanos) {
    int filled = (int) Math.min(written.get(), mask + 1L);
    long[] sample = new long[filled];
    int n = 0;
    long oldestEnd = nowNanos;
    for (int i = 0; i < filled; i++) {
      long end = ends.getAcquire(i);
      if (nowNanos - end <= windowNanos) {
        sample[n++] = latencies.getOpaque(i);
        oldestEnd = Math.min(oldestEnd, end);
      }
    }
    Duration window = Duration.ofNanos(windowNanos);
    if (n == 0) {
      return new Snapshot(window, 0, 0, Duration.ZERO, Duration.ZERO, Duration.ZERO);
    }
    Arrays.sort(sample, 0, n);
    boolean truncated = n == mask + 1 && written.get() > n; // older samples in the window were overwritten
    long span = truncated ? nowNanos - oldestEnd : Math.min(windowNanos, nowNanos - createdNanos);
    double perSecond = n * 1e9 / Math.max(span, MIN_SPAN_NANOS);
    return new Snapshot(window, n, perSecond, Duration.ofNanos(rank(sample, n, 0.50)),
        Duration.ofNanos(rank(sample, n, 0.99)), Duration.ofNanos(sample[n - 1]));
  }

  private static long rank(long[] sorted, int n, double quantile) {
    int index = (int) Math.ceil(quantile * n) - 1; // nearest-rank
    return sorted[Math.max(0, Math.min(n - 1, index))];
  }

  /**
   * Recent figures.
   *
   * @param window how far back they reach
   * @param requests requests recorded within the window (at most the capacity)
   * @param perSecond recorded requests per second over the window (or over the span the kept samples cover)
   * @param p50 median latency
   * @param p99 99th percentile latency (nearest rank)
   * @param max the largest latency
   */
  public record Snapshot(Duration window, int requests, double perSecond, Duration p50, Duration p99,
      Duration max) {}
}
