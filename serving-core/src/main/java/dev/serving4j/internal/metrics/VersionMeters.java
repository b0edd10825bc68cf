package dev.serving4j.internal.metrics;

import dev.serving4j.Device;
import dev.serving4j.WorkerState;
import dev.serving4j.internal.VersionEvents.Outcome;
import dev.serving4j.internal.VersionView;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The Micrometer meters of one model version (see {@code docs/metrics.md}). Every meter the hot path touches is
 * registered up front and kept in a field, so recording is a plain call on a meter: no lookup, no tag building.
 * Every meter this version registers (handler custom meters included) is tracked and removed on {@link #close()}.
 */
final class VersionMeters {
  static final String MODEL = "model";
  static final String VERSION = "version";

  private final MeterLeases leases;
  private final MeterRegistry registry;
  private final Tags tags;
  private final Boolean histograms;
  private final Set<Meter> owned = new HashSet<>(); // guarded by this
  private final Counter[] requests = new Counter[Outcome.values().length];
  private final Timer[] latency = new Timer[Outcome.values().length];
  private final Counter rejected;
  private final Counter cacheHits;
  private final Counter cacheMisses;
  private final Timer queueWait;
  private final Timer prepare;
  private final Timer preprocess;
  private final Timer inference;
  private final Timer postprocess;
  private final DistributionSummary batchSize;
  private final Map<Device, Counter> restarts = new ConcurrentHashMap<>();
  /** The latest cost-model fit per batch-size class, indexed by log2 of the class's smallest size. */
  private final AtomicReferenceArray<Fit> fits = new AtomicReferenceArray<>(32);
  private boolean closed; // guarded by this

  VersionMeters(MeterLeases leases, VersionView view, boolean percentileHistograms) {
    this.leases = leases;
    this.registry = leases.registry();
    this.tags = Tags.of(MODEL, view.modelName(), VERSION, view.modelVersion());
    this.histograms = percentileHistograms ? Boolean.TRUE : null; // null leaves it to the registry's filters
    for (Outcome o : Outcome.values()) {
      requests[o.ordinal()] = requestCounter(o.name());
      latency[o.ordinal()] = timer("serving4j.request.latency", "End-to-end time from acceptance to completion",
          "outcome", lower(o.name()));
    }
    rejected = requestCounter("rejected");
    cacheHits = cacheCounter("hit");
    cacheMisses = cacheCounter("miss");
    queueWait = timer("serving4j.queue.wait", "Time from acceptance until a worker took the request", null, null);
    prepare = timer("serving4j.handler.time", "Time per request in Handler.prepare, on the caller's thread",
        "stage", "prepare");
    preprocess = stageTimer("preprocess");
    inference = stageTimer("inference");
    postprocess = stageTimer("postprocess");
    batchSize = track(DistributionSummary.builder("serving4j.batch.size")
        .description("Requests per batch run through the handler")
        .baseUnit("requests").tags(tags).publishPercentileHistogram(histograms).register(registry));
    registerGauges(view);
  }

  // Strong references: the gauges go from the registry on close(), and a reporter that still holds one (Flink's
  // metric group outlives the job's last record) must read the final value, not NaN once the version is collected.
  private void registerGauges(VersionView view) {
    track(Gauge.builder("serving4j.queue.depth", view, VersionView::queueDepth)
        .description("Requests waiting for a worker").baseUnit("requests").tags(tags).strongReference(true)
        .register(registry));
    track(Gauge.builder("serving4j.inflight", view, VersionView::inFlight)
        .description("Requests accepted and not yet completed").baseUnit("requests").tags(tags)
        .strongReference(true).register(registry));
    for (WorkerState state : WorkerState.values()) {
      track(Gauge.builder("serving4j.workers", view, v -> v.workersByState().getOrDefault(state, 0))
          .description("Live workers by state").baseUnit("workers").tags(tags).tag("state", lower(state.name()))
          .strongReference(true).register(registry));
    }
  }

  private Counter requestCounter(String outcome) {
    return track(Counter.builder("serving4j.requests").description("Requests by how they ended")
        .baseUnit("requests").tags(tags).tag("outcome", lower(outcome)).register(registry));
  }

  private Counter cacheCounter(String result) {
    return track(Counter.builder("serving4j.cache.requests").description("Response-cache lookups by result")
        .baseUnit("requests").tags(tags).tag("result", result).register(registry));
  }

  void cacheLookup(boolean hit) {
    (hit ? cacheHits : cacheMisses).increment();
  }

  private Timer stageTimer(String stage) {
    return timer("serving4j.handler.time", "Time per batch in one handler stage", "stage", stage);
  }

  private Timer timer(String name, String description, String tagKey, String tagValue) {
    Timer.Builder b = Timer.builder(name).description(description).tags(tags)
        .publishPercentileHistogram(histograms);
    if (tagKey != null) {
      b.tag(tagKey, tagValue);
    }
    return track(b.register(registry));
  }

  void rejected() {
    rejected.increment();
  }

  void completed(Outcome outcome, long arrivalNanos, long startNanos, long endNanos) {
    requests[outcome.ordinal()].increment();
    latency[outcome.ordinal()].record(endNanos - arrivalNanos, TimeUnit.NANOSECONDS);
    if (startNanos != 0) {
      queueWait.record(startNanos - arrivalNanos, TimeUnit.NANOSECONDS);
    }
  }

  /** Every run of a batch through the handler, the halves re-run to isolate a failure included. */
  void batchFinished(int size, long preprocessNanos, long inferenceNanos, long postprocessNanos, boolean failed) {
    batchSize.record(size);
    if (failed) {
      return; // stage times of a failed batch are not reported
    }
    preprocess.record(preprocessNanos, TimeUnit.NANOSECONDS);
    inference.record(inferenceNanos, TimeUnit.NANOSECONDS);
    postprocess.record(postprocessNanos, TimeUnit.NANOSECONDS);
  }

  /**
   * The cost model's new fit of the class of a batch of {@code size}: gauges {@code serving4j.costmodel.fixed} and
   * {@code serving4j.costmodel.per.cost} (seconds) and {@code serving4j.costmodel.samples}, tagged with the class's
   * sizes, registered the first time the class is seen.
   */
  void costModelUpdated(int size, double fixedNanos, double nanosPerCost, long samples) {
    int c = 31 - Integer.numberOfLeadingZeros(size);
    Fit fit = fits.get(c);
    if (fit == null) {
      fit = registerFit(c);
    }
    fit.fixedSeconds = fixedNanos / 1e9;
    fit.secondsPerCost = nanosPerCost / 1e9;
    fit.samples = samples;
  }

  private synchronized Fit registerFit(int c) {
    Fit fit = fits.get(c);
    if (fit != null) {
      return fit;
    }
    Fit created = new Fit();
    String sizes = (1 << c) + "-" + ((1L << (c + 1)) - 1);
    track(Gauge.builder("serving4j.costmodel.fixed", created, f -> f.fixedSeconds)
        .description("Learned fixed handler time of a batch in this size class").baseUnit("seconds").tags(tags)
        .tag("sizes", sizes).register(registry));
    track(Gauge.builder("serving4j.costmodel.per.cost", created, f -> f.secondsPerCost)
        .description("Learned handler time per unit of padded cost in this size class").baseUnit("seconds")
        .tags(tags).tag("sizes", sizes).register(registry));
    track(Gauge.builder("serving4j.costmodel.samples", created, f -> f.samples)
        .description("Batches the cost model has learned from in this size class").baseUnit("batches").tags(tags)
        .tag("sizes", sizes).register(registry));
    fits.set(c, created);
    return created;
  }

  /** One size class's latest fit, read by its gauges. */
  private static final class Fit {
    volatile double fixedSeconds;
    volatile double secondsPerCost;
    volatile double samples;
  }

  void prepared(long nanos) {
    prepare.record(nanos, TimeUnit.NANOSECONDS);
  }

  void workerRestarting(Device device) {
    restarts.computeIfAbsent(device, d -> track(Counter.builder("serving4j.worker.restarts")
        .description("Worker restarts after a crash or a failed initialize").baseUnit("restarts").tags(tags)
        .tag("device", d.toString()).register(registry))).increment();
  }

  MeterRegistry registry() {
    return registry;
  }

  Tags tags() {
    return tags;
  }

  /** Remembers {@code meter} for removal on close; after close, gives it back to the registry at once. */
  synchronized <M extends Meter> M track(M meter) {
    if (owned.add(meter)) {
      leases.acquire(meter);
      if (closed) {
        owned.remove(meter);
        leases.release(meter);
      }
    }
    return meter;
  }

  /** Removes this version's meters from the registry (those no other live version holds). Idempotent. */
  synchronized void close() {
    closed = true;
    owned.forEach(leases::release);
    owned.clear();
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
