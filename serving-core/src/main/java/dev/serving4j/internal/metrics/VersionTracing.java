package dev.serving4j.internal.metrics;

import dev.serving4j.internal.RequestTrace;
import dev.serving4j.internal.VersionEvents;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the Micrometer observations of one version's requests (see {@code docs/metrics.md}, "Tracing"). Each request
 * is one {@value #REQUEST} observation, child of whatever observation is current on the caller's thread when it is
 * queued; under it, one {@value #QUEUE} observation for its wait and one {@value #RUN} observation for each batch
 * that ran it. With micrometer-tracing these become a span per request with its queue wait and model run as child
 * spans.
 *
 * <p>Observations are started and stopped on whichever thread reaches the moment (caller, worker, timer), always with
 * an explicit parent. The only scope opened is the request's, on the caller's thread, for the instant its queue wait
 * starts (a tracer would otherwise parent that child to the caller's span in scope); none is opened on worker or
 * timer threads, so no thread-local state leaks onto them. Children start at the
 * real moments (the queue wait at admission, the run at batch start) because observations cannot be backdated.
 */
final class VersionTracing {
  private static final Logger log = LoggerFactory.getLogger(VersionTracing.class);
  static final String REQUEST = "serving4j.request";
  static final String QUEUE = "serving4j.request.queue";
  static final String RUN = "serving4j.request.run";
  static final String OUTCOME = "outcome";
  static final String BATCH_SIZE = "batch.size";
  static final String REQUEST_ID = "request.id";
  static final String BATCH_ID = "batch.id";

  static final String REJECTED = "rejected";
  /** The {@value #OUTCOME} value of each internal outcome, by ordinal. */
  private static final String[] OUTCOMES = outcomes();

  final ObservationRegistry registry;
  private final String model;
  private final String version;
  private final AtomicBoolean warned = new AtomicBoolean();

  VersionTracing(ObservationRegistry registry, String model, String version) {
    this.registry = registry;
    this.model = model;
    this.version = version;
  }

  /**
   * Starts the observation of request {@code id} and its queue wait, on the caller's thread; {@link RequestTrace#NONE}
   * while the registry has no handler (its observations would all be no-ops).
   */
  RequestTrace start(long id) {
    if (registry.isNoop()) {
      return RequestTrace.NONE;
    }
    try {
      Observation request = observation(REQUEST, registry.getCurrentObservation())
          .highCardinalityKeyValue(REQUEST_ID, Long.toString(id))
          .start();
      return new ObservedRequest(this, request);
    } catch (RuntimeException e) {
      guard(e);
      return RequestTrace.NONE;
    }
  }

  /** An observation handler threw: logged once per version; serving carries on. */
  void guard(RuntimeException e) {
    if (!warned.getAndSet(true)) {
      log.warn("an observation handler threw while tracing a request of {}:{}; tracing carries on and further "
          + "failures are not logged", model, version, e);
    }
  }

  /** A not-yet-started observation named {@code name} with the version's keys, under {@code parent} (or none). */
  Observation observation(String name, Observation parent) {
    return Observation.createNotStarted(name, registry)
        .parentObservation(parent)
        .lowCardinalityKeyValue(VersionMeters.MODEL, model)
        .lowCardinalityKeyValue(VersionMeters.VERSION, version);
  }

  /** The {@value #OUTCOME} of a request: its outcome's name in lower case, as the meters' {@code outcome} tag. */
  static String outcome(VersionEvents.Outcome outcome) {
    return OUTCOMES[outcome.ordinal()];
  }

  /** The {@value #OUTCOME} of a model run: {@code success}, or {@code failed} when it failed for this request. */
  static String runOutcome(Throwable error) {
    return error == null ? OUTCOMES[VersionEvents.Outcome.SUCCESS.ordinal()]
        : OUTCOMES[VersionEvents.Outcome.FAILED.ordinal()];
  }

  private static String[] outcomes() {
    VersionEvents.Outcome[] all = VersionEvents.Outcome.values();
    String[] values = new String[all.length];
    for (VersionEvents.Outcome o : all) {
      values[o.ordinal()] = o.name().toLowerCase(Locale.ROOT);
    }
    return values;
  }
}
