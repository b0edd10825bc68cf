package dev.serving4j.internal.metrics;

import dev.serving4j.internal.RequestTrace;
import dev.serving4j.internal.VersionEvents;
import io.micrometer.observation.Observation;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The observations of one request: the request itself and its current stage (queue wait or model run). The
 * stage is swapped atomically, so a stage is stopped exactly once even when a deadline (timer thread) and the end
 * of a batch (worker thread) race; a run that a batch starts after the request completed is stopped at once.
 *
 * <p>Each observation name always gets the same low-cardinality keys (a Prometheus registry refuses a meter whose
 * tag keys change): the request {@code model, version, outcome, batch.size}, the queue wait {@code model, version},
 * a run {@code model, version, batch.size, outcome}. Observation handlers are user code: whatever they throw is
 * caught by {@link VersionTracing#guard} and never reaches the request path.
 */
final class ObservedRequest implements RequestTrace {
  private final VersionTracing tracing;
  private final Observation request;
  private final AtomicReference<Observation> stage = new AtomicReference<>();
  private volatile boolean done;
  /** Size of the last batch that ran this request; 0 before any. */
  private volatile int batchSize;

  ObservedRequest(VersionTracing tracing, Observation request) {
    this.tracing = tracing;
    this.request = request;
    // On the caller's thread a tracer prefers the span in scope (the caller's) to the declared parent, so the queue
    // wait starts inside the request's scope; the scope is closed at once and never leaves this thread.
    try (Observation.Scope scope = request.openScope()) {
      stage.set(tracing.observation(VersionTracing.QUEUE, request).start());
    }
  }

  @Override
  public void rejected(Throwable reason) {
    try {
      done = true;
      stopStage(reason);
      request.lowCardinalityKeyValue(VersionTracing.OUTCOME, VersionTracing.REJECTED)
          .lowCardinalityKeyValue(VersionTracing.BATCH_SIZE, "0")
          .error(reason)
          .stop();
    } catch (RuntimeException e) {
      tracing.guard(e);
    }
  }

  @Override
  public void batchStarted(long batchId, int size) {
    try {
      batchSize = size;
      stopStage(null);
      Observation run = tracing.observation(VersionTracing.RUN, request)
          .lowCardinalityKeyValue(VersionTracing.BATCH_SIZE, Integer.toString(size))
          .highCardinalityKeyValue(VersionTracing.BATCH_ID, Long.toString(batchId))
          .start();
      stage.set(run);
      if (done) {
        stopStage(null); // the request completed while this batch was starting
      }
    } catch (RuntimeException e) {
      tracing.guard(e);
    }
  }

  @Override
  public void batchFinished(Throwable error) {
    try {
      stopStage(error);
    } catch (RuntimeException e) {
      tracing.guard(e);
    }
  }

  @Override
  public void completed(VersionEvents.Outcome outcome, Throwable error) {
    try {
      done = true;
      stopStage(error);
      request.lowCardinalityKeyValue(VersionTracing.OUTCOME, VersionTracing.outcome(outcome))
          .lowCardinalityKeyValue(VersionTracing.BATCH_SIZE, Integer.toString(batchSize));
      if (error != null) {
        request.error(error);
      }
      request.stop();
    } catch (RuntimeException e) {
      tracing.guard(e);
    }
  }

  /** Stops the current stage, if any; a run also gets its outcome. */
  private void stopStage(Throwable error) {
    Observation o = stage.getAndSet(null);
    if (o == null) {
      return;
    }
    if (VersionTracing.RUN.equals(o.getContext().getName())) {
      o.lowCardinalityKeyValue(VersionTracing.OUTCOME, VersionTracing.runOutcome(error));
    }
    if (error != null) {
      o.error(error);
    }
    o.stop();
  }
}
