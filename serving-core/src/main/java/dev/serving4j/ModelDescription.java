package dev.serving4j;

import java.util.List;

/**
 * A snapshot of one registered model, returned by {@link ModelServer#describe(String)}.
 *
 * @param name the model's name
 * @param defaultVersion the version that calls without an explicit version go to
 * @param versions every registered version
 * @param trafficSplit the weighted split of calls that name no version (version to weight), or empty
 * @param shadow the shadow version and its counts, or null
 */
public record ModelDescription(String name, String defaultVersion, List<Version> versions,
    java.util.Map<String, Integer> trafficSplit, Shadow shadow) {
  /** Copies the collections. */
  public ModelDescription {
    versions = List.copyOf(versions);
    trafficSplit = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(trafficSplit));
  }

  /**
   * A shadow version and what the calls mirrored to it did.
   *
   * @param version the shadow version
   * @param fraction share of calls mirrored
   * @param mirrored calls mirrored so far
   * @param succeeded mirrored calls that succeeded
   * @param failed mirrored calls that failed
   * @param meanLatency mean latency of completed mirrored calls
   */
  public record Shadow(String version, double fraction, long mirrored, long succeeded, long failed,
      java.time.Duration meanLatency) {}

  /**
   * One version's state.
   *
   * @param version the version string
   * @param config the configuration in force
   * @param handler the handler named by the manifest
   * @param loaded false while the multiplexer has unloaded it (its workers stopped; a call loads it again)
   * @param queueDepth requests waiting for a worker
   * @param inFlight requests accepted and not yet completed (queued or running)
   * @param workers each worker's state
   * @param counts request counts since registration
   * @param recent latency and throughput of successful requests over a recent window
   * @param costModel the batcher's learned batch cost, one entry per batch-size class it has run (empty before the
   *     first batch); see {@code docs/scheduling.md}
   */
  public record Version(String version, ModelConfig config, String handler, boolean loaded, int queueDepth,
      int inFlight,
      List<Worker> workers, Counts counts, Recent recent, List<BatchCost> costModel) {
    /** Copies the lists. */
    public Version {
      workers = List.copyOf(workers);
      costModel = List.copyOf(costModel);
    }
  }

  /**
   * The learned cost of one batch-size class: handler time of a batch ≈ {@code fixedMillis + millisPerCost ×
   * paddedCost}, where the padded cost is the batch's largest {@code Handler.cost} times its size (its size when the
   * handler defines no cost). Recency-weighted, so it follows changes of input mix and machine load.
   *
   * @param minBatchSize smallest batch size of the class
   * @param maxBatchSize largest batch size of the class
   * @param fixedMillis the fit's fixed part, in milliseconds
   * @param millisPerCost the fit's part per unit of padded cost, in milliseconds
   * @param sigmaMillis spread of measured times around the fit (recency-weighted standard deviation)
   * @param samples batches of this class the fit has seen
   */
  public record BatchCost(int minBatchSize, int maxBatchSize, double fixedMillis, double millisPerCost,
      double sigmaMillis, long samples) {
    /** The predicted handler time of a batch of this class with {@code paddedCost}, in milliseconds. */
    public double predictMillis(long paddedCost) {
      return Math.max(0, fixedMillis + millisPerCost * paddedCost);
    }
  }

  /**
   * One worker.
   *
   * @param id the worker id, unique within the version
   * @param device the device it is bound to
   * @param state its state
   * @param batches batches it has run
   * @param restarts times it was restarted after a crash or failed initialize
   */
  public record Worker(int id, Device device, WorkerState state, long batches, long restarts) {}

  /**
   * Recent figures: successful requests that completed within the last {@code window} (at most the latest 2048).
   *
   * @param window the window looked back over
   * @param requests successful requests in the window
   * @param perSecond their rate
   * @param p50 median end-to-end latency
   * @param p99 99th-percentile end-to-end latency
   * @param max the slowest
   */
  public record Recent(java.time.Duration window, int requests, double perSecond, java.time.Duration p50,
      java.time.Duration p99, java.time.Duration max) {}

  /**
   * Request counts since registration.
   *
   * @param accepted requests queued
   * @param succeeded requests that completed with a value
   * @param failed requests that completed with a handler or worker error
   * @param rejected requests refused at the door (queue full, closed)
   * @param expired requests whose deadline passed
   * @param cancelled requests cancelled by their caller
   * @param batches batches run
   * @param batchedRequests requests run in those batches (mean batch size = batchedRequests / batches)
   * @param cacheHits calls answered from the response cache (never queued)
   * @param cacheMisses cacheable calls that had to run
   */
  public record Counts(long accepted, long succeeded, long failed, long rejected, long expired, long cancelled,
      long batches, long batchedRequests, long cacheHits, long cacheMisses) {
    /** Mean requests per batch, or 0 before the first batch. */
    public double meanBatchSize() {
      return batches == 0 ? 0 : (double) batchedRequests / batches;
    }
  }
}
