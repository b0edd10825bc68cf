package dev.serving4j;

/**
 * One collected item of a fan-out: its position in the fan-out, and its value or its error.
 *
 * @param index the item's position in the list its fan-out produced (kept when {@link ItemFailure#DROP} removes
 *     others)
 * @param value the item's value, or null when it failed
 * @param error the item's error, or null when it succeeded; only {@link ItemFailure#KEEP} yields failed items
 * @param <T> the item type
 */
public record PipelineItem<T>(int index, T value, Throwable error) {
  /** True when the item has a value. */
  public boolean succeeded() {
    return error == null;
  }
}
