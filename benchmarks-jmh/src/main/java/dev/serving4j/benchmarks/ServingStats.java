package dev.serving4j.benchmarks;

import dev.serving4j.ServingEventListener;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What serving4j itself saw during a load run, taken from its typed events: each request's queue wait (a
 * histogram, for percentiles) and each batch's stage times and size (sums, for means). {@link #reset()} starts a new
 * measurement window, so warmup is left out.
 */
final class ServingStats implements ServingEventListener {
  private final Recorder queueWaitMicros = new Recorder(3);
  private final LongAdder batches = new LongAdder();
  private final LongAdder batchedRequests = new LongAdder();
  private final LongAdder preprocessNanos = new LongAdder();
  private final LongAdder inferenceNanos = new LongAdder();
  private final LongAdder postprocessNanos = new LongAdder();

  @Override
  public void requestSucceeded(RequestFinished event) {
    if (event.reachedWorker()) {
      queueWaitMicros.recordValue(Math.max(0, TimeUnit.NANOSECONDS.toMicros(event.queueWait().toNanos())));
    }
  }

  @Override
  public void batchFinished(BatchFinished event) {
    if (event.failed()) {
      return;
    }
    batches.increment();
    batchedRequests.add(event.size());
    preprocessNanos.add(event.preprocess().toNanos());
    inferenceNanos.add(event.inference().toNanos());
    postprocessNanos.add(event.postprocess().toNanos());
  }

  /** Forgets everything recorded so far. */
  void reset() {
    queueWaitMicros.reset();
    batches.reset();
    batchedRequests.reset();
    preprocessNanos.reset();
    inferenceNanos.reset();
    postprocessNanos.reset();
  }

  /** Summarises the window since the last reset (and resets the queue-wait histogram). */
  Snapshot snapshot() {
    Histogram wait = queueWaitMicros.getIntervalHistogram();
    long n = Math.max(1, batches.sum());
    return new Snapshot(wait.getValueAtPercentile(50) / 1e3, wait.getValueAtPercentile(90) / 1e3,
        wait.getValueAtPercentile(99) / 1e3, preprocessNanos.sum() / 1e6 / n, inferenceNanos.sum() / 1e6 / n,
        postprocessNanos.sum() / 1e6 / n, batches.sum() == 0 ? 0 : (double) batchedRequests.sum() / n);
  }

  /**
   * Queue and handler figures of one window, in milliseconds; stage times are per batch.
   *
   * @param queueP50 median queue wait
   * @param queueP90 90th percentile queue wait
   * @param queueP99 99th percentile queue wait
   * @param preprocessMean mean preprocess time per batch
   * @param inferenceMean mean inference time per batch
   * @param postprocessMean mean postprocess time per batch
   * @param meanBatchSize requests per batch
   */
  record Snapshot(double queueP50, double queueP90, double queueP99, double preprocessMean, double inferenceMean,
      double postprocessMean, double meanBatchSize) {
    /**
     * The fraction of the workers' busy time spent in the model run: inference over preprocess + inference +
     * postprocess (issue 14's stage share; work done on callers' threads, such as {@code prepare}, is not busy time
     * of a worker). NaN when no batch finished.
     */
    double inferenceShare() {
      double busy = preprocessMean + inferenceMean + postprocessMean;
      return busy > 0 ? inferenceMean / busy : Double.NaN;
    }

    /** What a peer without a queue reports: nothing. */
    static final Snapshot NONE = new Snapshot(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
        Double.NaN, Double.NaN);
  }
}
