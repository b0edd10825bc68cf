package dev.serving4j.internal.metrics;

import dev.serving4j.Device;
import dev.serving4j.HandlerMetrics;
import dev.serving4j.ModelDescription;
import dev.serving4j.ServingEventListener;
import dev.serving4j.ServingEventListener.BatchFinished;
import dev.serving4j.ServingEventListener.BatchStarted;
import dev.serving4j.ServingEventListener.CostModelUpdated;
import dev.serving4j.ServingEventListener.RequestFinished;
import dev.serving4j.ServingEventListener.RequestQueued;
import dev.serving4j.ServingEventListener.RequestRejected;
import dev.serving4j.ServingEventListener.WorkerEvent;
import dev.serving4j.internal.RequestTrace;
import dev.serving4j.internal.VersionEvents;
import java.time.Duration;
import java.util.function.BiConsumer;

/**
 * What one version reports, fanned out to its meters (when the server has a registry), to the server's listeners
 * (when it has any) and to per-request observations (when it has an observation registry). Any part may be null;
 * event records are built only when there are listeners, observations only when there is an observation registry.
 */
public final class VersionObservers implements VersionEvents {
  /** The public outcome of each internal one, by ordinal (the two enums list the same names in the same order). */
  private static final ServingEventListener.Outcome[] OUTCOMES = mapOutcomes();

  private final String model;
  private final String version;
  private final VersionMeters meters;
  private final GuardedListeners listeners;
  private final HandlerMetrics handlerMetrics;
  private final VersionTracing tracing;

  VersionObservers(String model, String version, VersionMeters meters, GuardedListeners listeners,
      VersionTracing tracing) {
    this.model = model;
    this.version = version;
    this.meters = meters;
    this.listeners = listeners;
    this.handlerMetrics = meters == null ? HandlerMetrics.NOOP : new TaggedHandlerMetrics(meters);
    this.tracing = tracing;
  }

  /**
   * The custom-metrics factory for this version's handlers: meters tagged with the model and version, or
   * {@link HandlerMetrics#NOOP} when the server has no registry.
   */
  @Override
  public HandlerMetrics handlerMetrics() {
    return handlerMetrics;
  }

  @Override
  public RequestTrace traceRequest(long requestId) {
    return tracing == null ? RequestTrace.NONE : tracing.start(requestId);
  }

  @Override
  public void accepted(long requestId) {
    if (listeners != null) {
      listeners.emit(ServingEventListener::requestQueued, new RequestQueued(model, version, requestId));
    }
  }

  @Override
  public void cacheLookup(boolean hit) {
    if (meters != null) {
      meters.cacheLookup(hit);
    }
  }

  @Override
  public void rejected(Throwable reason) {
    if (meters != null) {
      meters.rejected();
    }
    if (listeners != null) {
      listeners.emit(ServingEventListener::requestRejected, new RequestRejected(model, version, reason));
    }
  }

  @Override
  public void prepared(long nanos, boolean failed) {
    if (meters != null && !failed) {
      meters.prepared(nanos);
    }
  }

  @Override
  public void batchStarted(int workerId, long batchId, int size, long oldestWaitNanos) {
    if (listeners != null) {
      Duration oldestWait = Duration.ofNanos(oldestWaitNanos);
      listeners.emit(ServingEventListener::batchStarted, new BatchStarted(model, version, workerId, batchId, size,
          oldestWait));
    }
  }

  @Override
  public void batchFinished(int workerId, long batchId, int size, long preprocessNanos, long inferenceNanos,
      long postprocessNanos, boolean failed) {
    if (meters != null) {
      meters.batchFinished(size, preprocessNanos, inferenceNanos, postprocessNanos, failed);
    }
    if (listeners != null) {
      listeners.emit(ServingEventListener::batchFinished, new BatchFinished(model, version, workerId, batchId, size,
          Duration.ofNanos(preprocessNanos), Duration.ofNanos(inferenceNanos), Duration.ofNanos(postprocessNanos),
          failed));
    }
  }

  @Override
  public void costModelUpdated(int size, double fixedNanos, double nanosPerCost, double sigmaNanos, long samples) {
    if (meters != null) {
      meters.costModelUpdated(size, fixedNanos, nanosPerCost, samples);
    }
    if (listeners != null) {
      int low = Integer.highestOneBit(size);
      ModelDescription.BatchCost fit = new ModelDescription.BatchCost(low, 2 * low - 1, fixedNanos / 1e6,
          nanosPerCost / 1e6, sigmaNanos / 1e6, samples);
      listeners.emit(ServingEventListener::costModelUpdated, new CostModelUpdated(model, version, size, fit));
    }
  }

  @Override
  public void completed(long requestId, long batchId, Outcome outcome, long arrivalNanos, long startNanos,
      long endNanos, Throwable error) {
    if (meters != null) {
      meters.completed(outcome, arrivalNanos, startNanos, endNanos);
    }
    if (listeners != null) {
      boolean ran = startNanos != 0;
      RequestFinished e = new RequestFinished(model, version, requestId, batchId, OUTCOMES[outcome.ordinal()],
          Duration.ofNanos(endNanos - arrivalNanos), Duration.ofNanos((ran ? startNanos : endNanos) - arrivalNanos),
          ran, error);
      listeners.emit(endMethod(outcome), e);
    }
  }

  private static ServingEventListener.Outcome[] mapOutcomes() {
    VersionEvents.Outcome[] internal = VersionEvents.Outcome.values();
    ServingEventListener.Outcome[] mapped = new ServingEventListener.Outcome[internal.length];
    for (VersionEvents.Outcome o : internal) {
      mapped[o.ordinal()] = ServingEventListener.Outcome.valueOf(o.name());
    }
    return mapped;
  }

  private static BiConsumer<ServingEventListener, RequestFinished> endMethod(Outcome outcome) {
    return switch (outcome) {
      case SUCCESS -> ServingEventListener::requestSucceeded;
      case FAILED -> ServingEventListener::requestFailed;
      case EXPIRED -> ServingEventListener::requestExpired;
      case CANCELLED -> ServingEventListener::requestCancelled;
    };
  }

  @Override
  public void workerStarted(int workerId, Device device) {
    if (listeners != null) {
      listeners.emit(ServingEventListener::workerStarted, new WorkerEvent(model, version, workerId, device, null));
    }
  }

  @Override
  public void workerStopped(int workerId, Device device) {
    if (listeners != null) {
      listeners.emit(ServingEventListener::workerStopped, new WorkerEvent(model, version, workerId, device, null));
    }
  }

  @Override
  public void workerRestarting(int workerId, Device device, Throwable cause) {
    if (meters != null) {
      meters.workerRestarting(device);
    }
    if (listeners != null) {
      listeners.emit(ServingEventListener::workerRestarting,
          new WorkerEvent(model, version, workerId, device, cause));
    }
  }

  @Override
  public void closed() {
    if (meters != null) {
      meters.close();
    }
  }
}
