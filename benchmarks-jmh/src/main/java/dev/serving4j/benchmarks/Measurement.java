package dev.serving4j.benchmarks;

/**
 * What one combination measured: one row of {@code report.csv}. Times in milliseconds; queue and stage figures
 * come from serving4j's own events (stage times are per batch); memory in MiB.
 *
 * @param combination the point measured
 * @param throughput successful requests per second
 * @param p50 latency median
 * @param p90 latency 90th percentile
 * @param p99 latency 99th percentile
 * @param mean mean latency
 * @param errorRate failed / all requests
 * @param queueP50 queue wait median
 * @param queueP90 queue wait 90th percentile
 * @param queueP99 queue wait 99th percentile
 * @param inferenceMean mean inference time per batch
 * @param preprocessMean mean preprocess time per batch
 * @param postprocessMean mean postprocess time per batch
 * @param meanBatchSize requests per batch
 * @param cpuPercent process CPU time / (wall time x cores), in percent
 * @param heapMb heap in use after the run
 * @param rssMb resident set size after the run ({@code /proc/self/status})
 * @param cosineToFp32 mean cosine of this optimization's vectors to fp32's (1 for fp32)
 * @param goodput answers within the p99 SLA per second (the latency target; equal to {@code throughput} when the
 *     run had no SLA; NaN when read from a report written before this column existed)
 */
public record Measurement(Combination combination, double throughput, double p50, double p90, double p99,
    double mean, double errorRate, double queueP50, double queueP90, double queueP99, double inferenceMean,
    double preprocessMean, double postprocessMean, double meanBatchSize, double cpuPercent, double heapMb,
    double rssMb, double cosineToFp32, double goodput) {

  /** Whether this point meets a p99 SLA without errors. */
  public boolean meets(double slaP99Millis) {
    return p99 <= slaP99Millis && errorRate == 0;
  }

  /**
   * Orders points for the SLA search: any point meeting the SLA beats any that does not; among those meeting it
   * the higher throughput wins; among those missing it the lower p99 wins (it is closer to meeting it).
   */
  static int compareForSla(Measurement a, Measurement b, double slaP99Millis) {
    boolean okA = a.meets(slaP99Millis);
    boolean okB = b.meets(slaP99Millis);
    if (okA != okB) {
      return okA ? 1 : -1;
    }
    return okA ? Double.compare(a.throughput, b.throughput) : Double.compare(b.p99, a.p99);
  }
}
