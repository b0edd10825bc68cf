package dev.serving4j;

import java.util.List;

/**
 * The requests a worker runs together, as seen by a {@link Handler}. Items keep their queue order; the handler's
 * output list must follow it.
 *
 * @param <I> the per-request input type
 */
public interface Batch<I> {

  /** Number of items, failed ones included. */
  int size();

  /** The input of item {@code index}. */
  I input(int index);

  /**
   * What {@link Handler#prepare} returned for item {@code index} on the caller's thread; the input itself when the
   * handler does not override {@code prepare}.
   */
  Object prepared(int index);

  /** All inputs in batch order (unmodifiable). */
  List<I> inputs();

  /**
   * Fails item {@code index} alone: its caller gets {@code cause} (wrapped in a {@link HandlerException} unless it
   * is already a {@link ServingException}) and the others go on. Later stages still see the item.
   *
   * <p>After failing items, {@link Handler#postprocess} may return either shape: one entry per item (the failed
   * items' entries are ignored and may be null), or one entry per item <em>not</em> failed, in batch order (mapped
   * onto those items). When every item failed, the result is not read and may be null or empty. Any other size is
   * a malformed result (see {@link Handler#postprocess}). Calling {@code fail} again for the same item keeps the
   * first cause.
   */
  void fail(int index, Throwable cause);

  /** True once {@link #fail} was called for {@code index}. */
  boolean isFailed(int index);
}
