package dev.serving4j.internal.metrics;

import dev.serving4j.ServingEventListener;
import dev.serving4j.ServingEventListener.ModelEvent;
import dev.serving4j.internal.ServerEvents;
import dev.serving4j.internal.VersionEvents;
import dev.serving4j.internal.VersionView;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.util.List;

/**
 * The observability of one server: Micrometer meters per version, typed events to listeners and per-request
 * observations. Built by
 * {@link #create}, which returns {@link ServerEvents#NONE} when nothing observes the server, so an unobserved
 * server pays one no-op interface call per event and allocates nothing for it.
 */
public final class ServerObservers implements ServerEvents {
  private final MeterLeases leases;
  private final GuardedListeners listeners;
  private final boolean percentileHistograms;
  private final ObservationRegistry observations;

  private ServerObservers(MeterRegistry registry, List<ServingEventListener> listeners,
      boolean percentileHistograms, ObservationRegistry observations) {
    this.leases = registry == null ? null : new MeterLeases(registry);
    this.listeners = listeners.isEmpty() ? null : new GuardedListeners(listeners);
    this.percentileHistograms = percentileHistograms;
    this.observations = observations;
  }

  /**
   * Returns the events of a server.
   *
   * @param registry where meters go, or null for none
   * @param listeners listeners in call order (copied); may be empty
   * @param percentileHistograms whether timers and the batch-size summary publish percentile histograms
   * @return {@link ServerEvents#NONE} when there is neither a registry nor a listener
   */
  public static ServerEvents create(MeterRegistry registry, List<ServingEventListener> listeners,
      boolean percentileHistograms) {
    return create(registry, listeners, percentileHistograms, null);
  }

  /**
   * Returns the events of a server that may also trace its requests.
   *
   * @param registry where meters go, or null for none
   * @param listeners listeners in call order (copied); may be empty
   * @param percentileHistograms whether timers and the batch-size summary publish percentile histograms
   * @param observations where each request's observations go, or null for none
   * @return {@link ServerEvents#NONE} when there is neither a registry, a listener nor an observation registry
   */
  public static ServerEvents create(MeterRegistry registry, List<ServingEventListener> listeners,
      boolean percentileHistograms, ObservationRegistry observations) {
    if (registry == null && listeners.isEmpty() && observations == null) {
      return ServerEvents.NONE;
    }
    return new ServerObservers(registry, List.copyOf(listeners), percentileHistograms, observations);
  }

  @Override
  public VersionEvents forVersion(VersionView view) {
    VersionMeters meters = leases == null ? null : new VersionMeters(leases, view, percentileHistograms);
    VersionTracing tracing = observations == null ? null
        : new VersionTracing(observations, view.modelName(), view.modelVersion());
    return new VersionObservers(view.modelName(), view.modelVersion(), meters, listeners, tracing);
  }

  @Override
  public void modelRegistered(String model, String version) {
    if (listeners != null) {
      listeners.emit(ServingEventListener::modelRegistered, new ModelEvent(model, version));
    }
  }

  @Override
  public void modelUnregistered(String model, String version) {
    if (listeners != null) {
      listeners.emit(ServingEventListener::modelUnregistered, new ModelEvent(model, version));
    }
  }
}
