package dev.serving4j.internal;

/**
 * The trace of one accepted request (an {@code Observation} and its children when the server has an
 * {@code ObservationRegistry}), carried by its {@link Request}. The request path reports the moments that shape it:
 * the queue wait starts when the trace is made, ends when a batch takes the request; each batch that runs it is a
 * stage of its own; the completion ends it. Calls come from the caller's, a worker's and the timer's threads, and may
 * race (a deadline firing while a batch runs): implementations must be thread-safe, cheap and must never throw.
 */
public interface RequestTrace {
  /** Traces nothing; what every request carries when the server has no observation registry. */
  RequestTrace NONE = new RequestTrace() {};

  /** The request was refused by the queue (full or closed) after its trace started. */
  default void rejected(Throwable reason) {}

  /** Batch {@code batchId} of {@code size} requests took the request: its queue wait ends, its model run starts. */
  default void batchStarted(long batchId, int size) {}

  /** The batch that ran the request left the handler; {@code error} is its failure for this request, or null. */
  default void batchFinished(Throwable error) {}

  /** The request completed (its caller is about to see it); {@code error} is null on success. */
  default void completed(VersionEvents.Outcome outcome, Throwable error) {}
}
