package dev.serving4j;

/**
 * What a {@link PipelineBuilder#collect collect} node does when an item of its fan-out failed (its model call or a
 * function step on it threw, was rejected or expired).
 */
public enum ItemFailure {
  /** The pipeline call fails with the first item error; the items still outstanding are cancelled. */
  FAIL_PIPELINE,
  /** The failed item is left out of the collected list; the others keep their order and their indexes. */
  DROP,
  /** The failed item stays in the collected list, carrying its error instead of a value. */
  KEEP
}
