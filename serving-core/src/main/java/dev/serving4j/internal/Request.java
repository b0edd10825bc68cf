package dev.serving4j.internal;

import java.util.concurrent.CompletableFuture;

/**
 * One accepted call: its input, its caller's future, and its place in the queue. The {@code prev}/{@code next}
 * links make the queue an intrusive doubly-linked list, so a cancelled or expired request leaves it in O(1); they
 * are guarded by the queue's lock.
 */
final class Request {
  /** Unique and increasing within the version, so events about this request can be paired. */
  final long id;
  /** Its trace; {@link RequestTrace#NONE} when the server traces nothing. */
  final RequestTrace trace;
  final Object input;
  /** What the handler's {@code prepare} made of the input on the caller's thread (the input itself without one). */
  final Object prepared;
  final CompletableFuture<Object> future;
  final long arrivalNanos;
  /** Absolute deadline in the server's ticker time, or {@link Long#MAX_VALUE} for none. */
  final long deadlineNanos;
  /** Priority level, 0 = lowest. */
  final int level;
  /** The handler's cost of this request (1 unless the handler says otherwise). */
  final long cost;
  /** The handler's batch key; only requests with equal keys share a batch. */
  final Object key;
  /**
   * Times a worker died, or was retired for overrunning the inference timeout, while running this request
   * (guarded by the queue's lock when requeued). Once non-zero, the request runs alone.
   */
  int deaths;

  /**
   * SLA mode: set by the batch selector when this request is dropped early (predicted to miss its deadline by this
   * much, its predicted run time alone); read by the same worker thread after the queue's lock is released.
   */
  long predictedMissNanos;
  long predictedRunNanos;

  // Guarded by the owning queue's lock.
  Request prev;
  Request next;
  volatile boolean queued;

  volatile long startNanos;
  /** The last batch that took this request (0 before any); batches are numbered within the version. */
  volatile long batchId;

  Request(long id, RequestTrace trace, Object input, Object prepared, CompletableFuture<Object> future,
      long arrivalNanos, long deadlineNanos, int level, long cost, Object key) {
    this.id = id;
    this.trace = trace;
    this.input = input;
    this.prepared = prepared;
    this.future = future;
    this.arrivalNanos = arrivalNanos;
    this.deadlineNanos = deadlineNanos;
    this.level = level;
    this.cost = cost;
    this.key = key;
  }

  boolean isDone() {
    return future.isDone();
  }
}
