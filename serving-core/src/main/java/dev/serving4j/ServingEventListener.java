package dev.serving4j;

import java.time.Duration;

/**
 * Observes what a {@link ModelServer} does, as typed events: register one or more with
 * {@link ModelServer.Builder#listener(ServingEventListener)}. Every method has a no-op default, so a listener
 * overrides only what it needs.
 *
 * <p><b>Threads.</b> Methods are called synchronously on the thread where the event happens: the caller's thread
 * for {@code requestQueued}/{@code requestRejected}, a worker thread for batch and most request-end events, the
 * server's timer thread for expirations and timeouts. Keep them short and thread-safe; hand heavy work to your own
 * executor. Events raised on different threads are not ordered with each other: {@code requestQueued} may arrive
 * after the batch that runs the request has started, and {@code batchFinished} arrives after the batch's requests
 * have ended.
 *
 * <p><b>Failures.</b> A listener that throws never breaks serving: the exception is caught, logged once per
 * listener, and the remaining listeners still get the event.
 *
 * <p><b>Dispatch.</b> There is no per-request "dispatched" event: requests are dispatched a batch at a time, so
 * {@link #batchStarted} marks the dispatch of every request in it, and each request's own time in the queue
 * arrives with its end event ({@link RequestFinished#queueWait()}).
 *
 * <p>Every accepted request ends with exactly one of {@link #requestSucceeded}, {@link #requestFailed},
 * {@link #requestExpired} or {@link #requestCancelled}; a refused one gets {@link #requestRejected} only.
 */
public interface ServingEventListener {

  /** A model version was registered and is serving. */
  default void modelRegistered(ModelEvent event) {}

  /** A model version was unregistered; its queue was drained and its workers stopped. */
  default void modelUnregistered(ModelEvent event) {}

  /** A request was accepted into its version's queue. */
  default void requestQueued(RequestQueued event) {}

  /** A request was refused at the door (queue full, version closed); it was never queued. */
  default void requestRejected(RequestRejected event) {}

  /** A request completed with a value. */
  default void requestSucceeded(RequestFinished event) {}

  /** A request completed with a handler or worker error (its {@link RequestFinished#error()}). */
  default void requestFailed(RequestFinished event) {}

  /** A request's deadline passed, while queued or while running. */
  default void requestExpired(RequestFinished event) {}

  /** A request was cancelled by its caller. */
  default void requestCancelled(RequestFinished event) {}

  /** A worker took a batch: every request in it is dispatched now. */
  default void batchStarted(BatchStarted event) {}

  /** A batch left the handler (its requests are already complete). */
  default void batchFinished(BatchFinished event) {}

  /**
   * A successful batch taught the batcher's cost model (see {@code docs/scheduling.md}); the event carries the new
   * fit of the batch's size class. Follows that batch's {@link #batchFinished}.
   */
  default void costModelUpdated(CostModelUpdated event) {}

  /** A worker initialized its handler and is ready. */
  default void workerStarted(WorkerEvent event) {}

  /** A worker stopped for good (scaled down, replaced, or its version closed). */
  default void workerStopped(WorkerEvent event) {}

  /** A worker crashed or failed to initialize ({@link WorkerEvent#cause()}) and restarts after a backoff. */
  default void workerRestarting(WorkerEvent event) {}

  /** A node of a {@link Pipeline} finished for one pipeline call (once per item inside a fan-out). */
  default void pipelineNodeFinished(PipelineNodeFinished event) {}

  /** How an accepted request ended. */
  enum Outcome {
    /** Completed with a value. */
    SUCCESS,
    /** Completed with a handler or worker error. */
    FAILED,
    /** Its deadline passed. */
    EXPIRED,
    /** Cancelled by its caller. */
    CANCELLED
  }

  /**
   * A model version was registered or unregistered.
   *
   * @param model the model's name
   * @param version the model's version
   */
  record ModelEvent(String model, String version) {}

  /**
   * A request was queued. One instance per version is reused, since it carries nothing request-specific.
   *
   * @param model the model's name
   * @param version the model's version
   */
  record RequestQueued(String model, String version) {}

  /**
   * A request was refused before it was queued.
   *
   * @param model the model's name
   * @param version the model's version
   * @param cause why: a {@link QueueFullException} or a {@link ServerClosedException}
   */
  record RequestRejected(String model, String version, Throwable cause) {}

  /**
   * An accepted request ended.
   *
   * @param model the model's name
   * @param version the model's version
   * @param outcome how it ended
   * @param latency from acceptance to completion
   * @param queueWait from acceptance until a worker took it; equal to {@code latency} when it never reached one
   * @param reachedWorker true when a worker took it (false when it expired or was cancelled while queued)
   * @param error the error it completed with, or null on success
   */
  record RequestFinished(String model, String version, Outcome outcome, Duration latency, Duration queueWait,
      boolean reachedWorker, Throwable error) {}

  /**
   * A worker took a batch.
   *
   * @param model the model's name
   * @param version the model's version
   * @param workerId the worker, unique within the version
   * @param size requests in the batch
   * @param oldestWait how long the batch's oldest request waited in the queue
   */
  record BatchStarted(String model, String version, int workerId, int size, Duration oldestWait) {}

  /**
   * A batch left the handler. Stage times are zero for stages that did not run; in a failed batch, the stage that
   * threw reports the time until it threw. When a failed batch is split to isolate the failing item, each re-run
   * part is reported as a batch of its own.
   *
   * @param model the model's name
   * @param version the model's version
   * @param workerId the worker, unique within the version
   * @param size requests in the batch, failed items included
   * @param preprocess time in {@link Handler#preprocess}
   * @param inference time in {@link Handler#inference}
   * @param postprocess time in {@link Handler#postprocess}
   * @param failed true when a stage threw and the whole batch failed (single failed items do not count)
   */
  record BatchFinished(String model, String version, int workerId, int size, Duration preprocess,
      Duration inference, Duration postprocess, boolean failed) {}

  /**
   * The cost model learned from one batch.
   *
   * @param model the model's name
   * @param version the model's version
   * @param batchSize requests in the batch it learned from
   * @param fit the updated fit of that batch's size class
   */
  record CostModelUpdated(String model, String version, int batchSize, ModelDescription.BatchCost fit) {}

  /**
   * A worker changed life stage.
   *
   * @param model the model's name
   * @param version the model's version
   * @param workerId the worker, unique within the version
   * @param device the device it is bound to
   * @param cause why it restarts, for {@link #workerRestarting}; null otherwise
   */
  record WorkerEvent(String model, String version, int workerId, Device device, Throwable cause) {}

  /**
   * A pipeline node finished.
   *
   * @param pipeline the pipeline's name
   * @param node the node's name
   * @param model the model the node calls, or null for a function node
   * @param item the item's index inside its fan-out, or -1 for a node outside any fan-out
   * @param outcome how it ended
   * @param latency from the node's start to its end
   * @param error the error it ended with, or null on success
   */
  record PipelineNodeFinished(String pipeline, String node, String model, int item, Outcome outcome,
      Duration latency, Throwable error) {}
}
