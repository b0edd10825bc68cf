package dev.serving4j.internal;

import dev.serving4j.Handler;
import dev.serving4j.HandlerException;
import dev.serving4j.Manifest;
import dev.serving4j.ModelConfig;
import dev.serving4j.ModelDescription;
import dev.serving4j.ServerClosedException;
import dev.serving4j.WorkerState;
import dev.serving4j.spi.Engine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One registered model version at run time: its queue, its workers, its engine and its counters, and its life
 * (start, load/unload for multiplexing, drain-and-close). Every accepted request's future completes exactly once,
 * and {@link #close} does not return before each one has.
 *
 * <p>The request path: {@link Admission} (the caller's thread: checks, cache, prepare/cost/batchKey) →
 * {@link RequestQueue} (with {@link BatchSelector} and the {@link CostModel}) → {@link Worker} →
 * {@link BatchRunner} → {@link RequestFuture} → {@link Outcomes}; {@link Deadlines} is the one timer that expires
 * requests and watches running batches. This class wires them and is what they share; the decisions live in them.
 */
public final class ModelVersion implements VersionView {
  private static final Logger log = LoggerFactory.getLogger(ModelVersion.class);

  final String name;
  final String version;
  final Manifest manifest;
  final Path directory;
  final Path source;
  final ModelConfig config;
  final Map<String, String> handlerProperties;
  final Engine engine;
  final ServerResources resources;
  final RequestQueue queue;
  final WorkerPool pool;
  final BatchRunner runner;
  final VersionStats stats = new VersionStats();
  final VersionEvents events;
  final Deadlines deadlines;
  final Outcomes outcomes;
  final CallerRuns callerRuns;
  final String handlerName;
  private final Admission admission;
  private final Supplier<? extends Handler<?, ?>> handlerFactory;
  private final HandlerDeclaration declared;
  private final AutoCloseable owned;
  /** Numbers batches; {@link BatchRunner} takes one per run of the handler's stages. */
  final AtomicLong batchIds = new AtomicLong();
  private volatile ModelConfig current;
  private java.util.concurrent.ScheduledFuture<?> autoscaler;
  /** Set once by {@link #close}: refuses requests (through admission), stops autoscaling and multiplexing. */
  private volatile boolean closed;
  private volatile boolean loaded = true;
  private volatile long lastUsedNanos;
  private volatile Multiplexer mux;

  /**
   * Creates the version; {@link #start()} launches its workers.
   *
   * @param owned closed with the version (an archive the server opened itself), or null
   */
  public ModelVersion(dev.serving4j.ModelArchive archive, ModelConfig config, Engine engine,
      Supplier<? extends Handler<?, ?>> handlerFactory, ServerResources resources, AutoCloseable owned,
      ServerEvents serverEvents) {
    Manifest manifest = archive.manifest();
    this.source = archive.source();
    this.directory = archive.directory();
    this.name = manifest.modelName();
    this.version = manifest.modelVersion();
    this.manifest = manifest;
    this.config = config;
    this.current = config;
    Map<String, String> props = new java.util.LinkedHashMap<>(manifest.handlerProperties());
    props.putAll(config.handlerProperties());
    this.handlerProperties = Map.copyOf(props);
    this.engine = engine;
    this.handlerFactory = handlerFactory;
    this.resources = resources;
    this.owned = owned;
    this.handlerName = manifest.handler();
    Handler<?, ?> probe = newHandler(); // never initialized: only asked what it declares, then closed
    try {
      this.declared = HandlerDeclaration.of(probe, label(), handlerName, config);
    } finally {
      closeQuietly(probe);
    }
    this.queue = new RequestQueue(config, resources.ticker);
    this.lastUsedNanos = now();
    this.outcomes = new Outcomes(this, lastUsedNanos);
    this.pool = new WorkerPool(this, config.devices());
    this.runner = new BatchRunner(this);
    this.deadlines = new Deadlines(this);
    this.callerRuns = new CallerRuns(this);
    this.events = serverEvents.forVersion(this);
    this.admission = new Admission(this, declared);
  }

  /**
   * Starts {@code minWorkers} workers; the returned future completes when the first is ready, or fails after
   * {@value WorkerPool#STARTUP_ATTEMPTS} failed initializations with the last cause.
   */
  public CompletableFuture<Void> start() {
    admission.start();
    pool.resize(config.minWorkers(), config.maxWorkers());
    long period = Math.max(10_000_000L, Math.min(100_000_000L, config.scaleUpWait().toNanos() / 2));
    autoscaler = resources.timer.scheduleWithFixedDelay(this::autoscale, period, period, TimeUnit.NANOSECONDS);
    return pool.firstReady(config.minWorkers() == 0);
  }

  /** The input type the handler declares ({@link Handler#inputType()}). */
  public Class<?> inputType() {
    return declared.inputType();
  }

  /** The output type the handler declares ({@link Handler#outputType()}). */
  public Class<?> outputType() {
    return declared.outputType();
  }

  private void autoscale() {
    ModelConfig c = current;
    if (c.maxWorkers() > c.minWorkers() && !closed && loaded) {
      pool.autoscale(AutoscalePolicy.of(c), now(), queue.oldestArrivalNanos());
    }
  }

  /** "model 'name' version 'v'", for messages. */
  public String label() {
    return "model '" + name + "' version '" + version + "'";
  }

  /** Puts this version under a multiplexer's budget (once registered and loaded). */
  public void multiplexedBy(Multiplexer m) {
    mux = m;
  }

  long loadWeight() {
    return current.loadWeight();
  }

  long lastUsedNanos() {
    return lastUsedNanos;
  }

  boolean isLoaded() {
    return loaded;
  }

  boolean isClosed() {
    return closed;
  }

  boolean isIdle() {
    return outcomes.inFlight() == 0;
  }

  /** Starts workers again after an unload (non-blocking: queued calls wait for the first worker). */
  void load() {
    loaded = true;
    log.debug("{} loading", label());
    ModelConfig c = current;
    pool.resize(Math.max(1, c.minWorkers()), Math.max(1, c.maxWorkers()));
  }

  /**
   * Stops the workers (closing handlers and their engine sessions) to free resources; queued calls would load it
   * again. Returns false, leaving the version loaded, if a call arrived meanwhile.
   */
  boolean unload() {
    loaded = false;
    pool.resize(0, 0);
    if (outcomes.inFlight() > 0) {
      load(); // a call slipped in between the idle check and the flag: serve it
      return false;
    }
    log.debug("{} unloaded", label());
    return true;
  }

  /** Where the archive was opened from (for snapshots). */
  public Path source() {
    return source;
  }

  /** The version string. */
  public String version() {
    return version;
  }

  /** Queues one request; failures (bad input, full queue, closed) come back as an already-failed future. */
  public CompletableFuture<Object> submit(Object input, Duration timeout, int priority) {
    return admission.submit(input, timeout, priority);
  }

  /** The server's ticker: every time a version records or decides by. */
  long now() {
    return resources.ticker.read();
  }

  /** A request was accepted at {@code now}: a multiplexed version that was unloaded loads again. */
  void used(long now) {
    Multiplexer m = mux;
    if (m != null) {
      lastUsedNanos = now;
      if (!loaded) {
        m.ensureLoaded(this);
      }
    }
  }

  /** The last accepted request was answered: a multiplexer may unload this version. */
  void onIdle() {
    Multiplexer m = mux;
    if (m != null) {
      m.onIdle();
    }
  }

  @SuppressWarnings("unchecked")
  Handler<Object, Object> newHandler() {
    Handler<?, ?> h;
    try {
      h = handlerFactory.get();
    } catch (HandlerException e) {
      throw e; // already names the model and the handler
    } catch (RuntimeException e) {
      throw new HandlerException(label() + ": the factory of handler '" + handlerName + "' threw: " + e, e);
    }
    if (h == null) {
      throw new HandlerException(label() + ": handler factory for '" + handlerName + "' returned null");
    }
    return (Handler<Object, Object>) h;
  }

  /** A batch succeeded: teaches the cost model its handler time (all three stages), then reports it. */
  void onBatchSucceeded(Worker w, long batchId, int size, long paddedCost, long preNanos, long inferNanos,
      long postNanos) {
    CostModel.Line fit = queue.costModel.record(size, paddedCost, preNanos + inferNanos + postNanos);
    onBatchFinished(w, batchId, size, preNanos, inferNanos, postNanos, false);
    events.costModelUpdated(size, fit.a(), fit.b(), fit.sigma(), fit.samples());
  }

  void onBatchFinished(Worker w, long batchId, int size, long preNanos, long inferNanos, long postNanos,
      boolean failed) {
    stats.batches.increment();
    stats.batchedRequests.add(size);
    events.batchFinished(w.id, batchId, size, preNanos, inferNanos, postNanos, failed);
  }

  @Override
  public String modelName() {
    return name;
  }

  @Override
  public String modelVersion() {
    return version;
  }

  @Override
  public int queueDepth() {
    return queue.size();
  }

  @Override
  public Map<WorkerState, Integer> workersByState() {
    Map<WorkerState, Integer> counts = new java.util.EnumMap<>(WorkerState.class);
    for (WorkerState s : WorkerState.values()) {
      counts.put(s, 0);
    }
    for (Worker w : pool.snapshot()) {
      counts.merge(w.state(), 1, Integer::sum);
    }
    return counts;
  }

  /**
   * Changes the worker bounds at run time (validated like the config); {@code min} workers run from now on.
   *
   * @throws dev.serving4j.InvalidConfigException when the bounds are invalid
   */
  public void scale(int min, int max) {
    ModelConfig scaled = current.with(b -> b.minWorkers(min).maxWorkers(max));
    current = scaled;
    pool.resize(scaled.minWorkers(), scaled.maxWorkers());
  }

  /** Requests queued or running. */
  @Override
  public int inFlight() {
    return outcomes.inFlight();
  }

  /** A snapshot for {@code describe}. */
  public ModelDescription.Version describe() {
    return new ModelDescription.Version(version, current, handlerName, loaded, queue.size(), outcomes.inFlight(),
        pool.describe(), stats.snapshot(), outcomes.recent(now()), queue.costModel.describe());
  }

  /** The configuration in force (registration config with runtime changes). */
  public ModelConfig config() {
    return current;
  }

  /**
   * Stops accepting, lets queued and running requests finish for up to {@code timeout}, fails whatever is left with
   * {@link ServerClosedException}, then stops the workers and closes the engine. Returns true when everything
   * finished without being failed.
   */
  public boolean close(Duration timeout) {
    closed = true; // admission refuses from now on; the queue refuses what was past that check
    queue.close();
    long deadline = System.nanoTime() + timeout.toNanos(); // a real wait, whatever the ticker
    boolean clean = outcomes.awaitDrained(deadline);
    if (!clean) {
      ServerClosedException error = new ServerClosedException(label() + " closed before this request finished"
          + " (drain timeout " + timeout.toMillis() + "ms)");
      queue.drain().forEach(r -> r.future.completeExceptionally(error));
      for (Worker w : pool.snapshot()) {
        RunningBatch b = w.currentBatch();
        if (b != null) {
          b.requests().forEach(r -> r.future.completeExceptionally(error));
        }
      }
    }
    deadlines.close();
    if (autoscaler != null) {
      autoscaler.cancel(false);
    }
    try {
      pool.close(Math.max(100, (deadline - System.nanoTime()) / 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    admission.close();
    closeQuietly(engine);
    closeQuietly(owned);
    events.closed();
    return clean;
  }

  void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      log.warn("Closing {} of {} failed", c.getClass().getSimpleName(), label(), e);
    }
  }
}
