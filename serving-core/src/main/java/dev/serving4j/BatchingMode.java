package dev.serving4j;

/** How a model version's batcher decides when a batch is ready. See {@code docs/scheduling.md}. */
public enum BatchingMode {
  /**
   * The default. A free worker takes whatever is queued, up to {@code maxBatchSize}, at once. A lone request at low
   * load never waits; batches grow by themselves while workers are busy.
   */
  ADAPTIVE,
  /**
   * Dispatch when {@code maxBatchSize} requests are queued, or when the oldest queued request has waited
   * {@code maxBatchDelay} since it <em>arrived</em> (not since a worker started looking, unlike TorchServe).
   */
  FIXED_DELAY
}
