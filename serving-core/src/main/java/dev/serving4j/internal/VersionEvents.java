package dev.serving4j.internal;

import dev.serving4j.Device;

/**
 * What one model version reports as it serves: the single seam between the request path and observability
 * (Micrometer meters, {@code ServingEventListener}s). The request path calls these methods; implementations must
 * be cheap and must never throw. {@link #NONE} is used when nothing observes the server.
 */
public interface VersionEvents {
  /** Observes nothing. */
  VersionEvents NONE = new VersionEvents() {};

  /** How a request ended. */
  enum Outcome {
    SUCCESS,
    FAILED,
    EXPIRED,
    CANCELLED
  }

  /**
   * Starts tracing request {@code requestId} on its caller's thread, just before it is offered to the queue;
   * {@link RequestTrace#NONE} when nothing traces (no allocation then).
   */
  default RequestTrace traceRequest(long requestId) {
    return RequestTrace.NONE;
  }

  /** Request {@code requestId} (unique and increasing within the version) was queued. */
  default void accepted(long requestId) {}

  /** A request's {@code Handler.prepare} ran on its caller's thread for {@code nanos}; {@code failed} if it threw. */
  default void prepared(long nanos, boolean failed) {}

  /** A cacheable call looked up the response cache: a hit never enters the queue. */
  default void cacheLookup(boolean hit) {}

  /** A request was refused at the door (queue full or closed); it was never queued. */
  default void rejected(Throwable reason) {}

  /**
   * Batch {@code batchId} (unique and increasing within the version) of {@code size} requests was handed to a worker;
   * {@code oldestWaitNanos} is how long its oldest request (across priority levels) waited, in ticker time.
   */
  default void batchStarted(int workerId, long batchId, int size, long oldestWaitNanos) {}

  /** A batch finished (stage times are 0 for stages that did not run); {@code failed} when the whole batch failed. */
  default void batchFinished(int workerId, long batchId, int size, long preprocessNanos, long inferenceNanos,
      long postprocessNanos, boolean failed) {}

  /**
   * A successful batch of {@code size} updated the cost model; the rest is the new fit of its size class (nanoseconds,
   * nanoseconds per unit of padded cost, nanoseconds, batches seen).
   */
  default void costModelUpdated(int size, double fixedNanos, double nanosPerCost, double sigmaNanos, long samples) {}

  /**
   * Request {@code requestId} completed; {@code batchId} is the last batch that ran it, 0 if none. {@code startNanos}
   * is 0 if it never reached a worker. Times are readings of the server's {@link dev.serving4j.Ticker} (the system
   * ticker unless one was injected), like every time a version records.
   */
  default void completed(long requestId, long batchId, Outcome outcome, long arrivalNanos, long startNanos,
      long endNanos, Throwable error) {}

  /** A worker became ready. */
  default void workerStarted(int workerId, Device device) {}

  /** A worker stopped for good. */
  default void workerStopped(int workerId, Device device) {}

  /** A worker crashed or failed to initialize and will restart after a backoff. */
  default void workerRestarting(int workerId, Device device, Throwable cause) {}

  /** The version was unregistered; release meters. */
  default void closed() {}

  /** The custom-metrics factory handlers of this version get from {@code HandlerContext.metrics()}. */
  default dev.serving4j.HandlerMetrics handlerMetrics() {
    return dev.serving4j.HandlerMetrics.NOOP;
  }
}
