package dev.serving4j.examples;

import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * What one load run measured: every request's latency, the wall time, and the vector each text got.
 *
 * @param label what was measured, for the table
 * @param latencyNanos each request's latency (call to result, on the client thread)
 * @param elapsedNanos wall time from the first request to the last result
 * @param vectors the vector of each distinct text, in text order
 */
public record LoadResult(String label, long[] latencyNanos, long elapsedNanos, List<float[]> vectors) {
  /** Copies the list (the arrays are shared). */
  public LoadResult {
    vectors = List.copyOf(vectors);
  }

  /** Requests completed. */
  public int requests() {
    return latencyNanos.length;
  }

  /** Completed requests per second of wall time. */
  public double throughput() {
    return requests() / (elapsedNanos / 1e9);
  }

  /** The latency at {@code percentile} (0..100), in milliseconds, from the recorded latencies. */
  public double latencyMillis(double percentile) {
    Histogram histogram = new Histogram(3); // 3 significant digits, microsecond values
    for (long nanos : latencyNanos) {
      histogram.recordValue(Math.max(1, nanos / 1_000));
    }
    return histogram.getValueAtPercentile(percentile) / 1_000.0;
  }
}
