package dev.serving4j.internal.metrics;

import dev.serving4j.ServingEventListener;
import dev.serving4j.ServingEventListener.ModelEvent;
import dev.serving4j.internal.ServerEvents;
import dev.serving4j.internal.VersionEvents;
import dev.serving4j.internal.VersionView;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;

/**
 * The observability of one server: Micrometer meters per version and typed events to listeners. Built by
 * {@link #create}, which returns {@link ServerEvents#NONE} when nothing observes the server, so an unobserved
 * server pays one no-op interface call per event and allocates nothing for it.
 */
public final class ServerObservers implements ServerEvents {
  private final MeterLeases leases;
  private final GuardedListeners listeners;
  private final boolean percentileHistograms;

  private ServerObservers(MeterRegistry registry, List<ServingEventListener> listeners,
      boolean percentileHistograms) {
    this.leases = registry == null ? null : new MeterLeases(registry);
    this.listeners = listeners.isEmpty() ? null : new GuardedListeners(listeners);
    this.percentileHistograms = percentileHistograms;
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
    if (registry == null && listeners.isEmpty()) {
      return ServerEvents.NONE;
    }
    return new ServerObservers(registry, List.copyOf(listeners), percentileHistograms);
  }

  @Override
  public VersionEvents forVersion(VersionView view) {
    VersionMeters meters = leases == null ? null : new VersionMeters(leases, view, percentileHistograms);
    return new VersionObservers(view.modelName(), view.modelVersion(), meters, listeners);
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
