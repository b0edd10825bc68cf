package dev.serving4j;

import dev.serving4j.internal.EngineLookup;
import dev.serving4j.internal.HandlerResolver;
import dev.serving4j.internal.ModelRegistry;
import dev.serving4j.internal.ModelVersion;
import dev.serving4j.internal.Multiplexer;
import dev.serving4j.internal.ServerEvents;
import dev.serving4j.internal.ServerResources;
import dev.serving4j.internal.Snapshots;
import dev.serving4j.internal.config.Durations;
import dev.serving4j.internal.metrics.ServerObservers;
import dev.serving4j.spi.Engine;
import dev.serving4j.spi.EngineProvider;
import dev.serving4j.spi.EngineSpec;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves registered models in this process. Register a {@link ModelArchive}, then call it through a typed
 * {@link #client(String, Class, Class) client} from any thread: concurrent calls are queued per model version,
 * batched dynamically and run by that version's workers; each call gets its own {@link CompletableFuture}.
 *
 * <pre>{@code
 * try (ModelServer server = ModelServer.builder().build()) {
 *   server.register(Path.of("models/echo.s4j"), cfg -> cfg.maxBatchSize(16));
 *   ModelClient<String, String> echo = server.client("echo", String.class, String.class);
 *   String out = echo.predict("hello").join();
 * }
 * }</pre>
 *
 * <p>The client is the one typed way to call: it checks the handler's declared input and output types when it is
 * created and each output as it arrives. {@link #predict(String, Object)} is the untyped call underneath, for code
 * that routes by name; its future is honestly a {@code CompletableFuture<Object>}.
 *
 * <p>Servers share nothing: several may live in one JVM. Serving errors never throw from {@code predict}; they
 * complete the future exceptionally with a {@link ServingException} subclass (unknown model, bad input, full
 * queue, deadline, handler failure, closed server). Dependent stages added with non-async methods run on the thread
 * that completed the request (a worker's, or a waiting caller's that ran it), so keep them short or use the
 * {@code *Async} variants.
 *
 * <p>This class is the public facade: each method validates its arguments and delegates to the internal
 * {@code ModelRegistry} (routes) and {@code ModelVersion} (queue, workers); its length is javadoc and the builder.
 */
public final class ModelServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ModelServer.class);
  private static final AtomicInteger SERVER_IDS = new AtomicInteger();

  private final ServerResources resources;
  private final HandlerResolver handlers;
  private final EngineLookup engines;
  private final Duration drainTimeout;
  private final Duration startupTimeout;
  private final ServerEvents events;
  private final ModelRegistry registry;
  private final MeterRegistry meterRegistry; // null when none; read by Pipeline for its node meters
  private final List<ServingEventListener> listeners; // read by Pipeline for its node events
  private final Ticker ticker;
  private volatile boolean closed;

  private ModelServer(Builder b) {
    this.resources = new ServerResources(b.name, b.restartBackoffInitial, b.restartBackoffMax, b.ticker);
    this.handlers = new HandlerResolver(b.handlerAliases, b.classLoader, b.handlerClassFilter);
    this.engines = new EngineLookup(b.classLoader);
    this.drainTimeout = b.drainTimeout;
    this.startupTimeout = b.startupTimeout;
    this.events = b.events();
    this.meterRegistry = b.meterRegistry;
    this.listeners = List.copyOf(b.listeners);
    this.ticker = b.ticker;
    this.registry = new ModelRegistry(b.maxLoaded == Long.MAX_VALUE ? null : new Multiplexer(b.maxLoaded));
  }

  /** Returns a builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Registers an archive with its own default config. See {@link #register(ModelArchive, Consumer)}. */
  public ModelDescription register(ModelArchive archive) {
    return register(archive, b -> {});
  }

  /**
   * Registers a version of a model: resolves its handler and engine, starts {@code minWorkers} workers and waits
   * until the first is ready. The first version registered under a name becomes its default. The archive stays
   * the caller's to close (after unregistering).
   *
   * @param overrides applied over the archive's {@code config} section
   * @throws InvalidConfigException when the merged config is invalid
   * @throws HandlerException when the handler cannot be found or the first worker fails to initialize
   * @throws ServingException when that name and version are already registered
   * @throws ArchiveException when the archive is closed, or an engine path option it gives leaves it
   * @throws ServerClosedException when the server is closed
   */
  public ModelDescription register(ModelArchive archive, Consumer<ModelConfig.Builder> overrides) {
    return register(archive, overrides, null);
  }

  /** Opens the archive (zip or directory) at {@code path} and registers it; the server closes it on unregister. */
  public ModelDescription register(Path path) {
    return register(path, b -> {});
  }

  /** Like {@link #register(Path)}, with config overrides. */
  public ModelDescription register(Path path, Consumer<ModelConfig.Builder> overrides) {
    return registerOwned(ModelArchive.open(path), overrides);
  }

  private ModelDescription registerOwned(ModelArchive archive, Consumer<ModelConfig.Builder> overrides) {
    try {
      return register(archive, overrides, archive);
    } catch (RuntimeException e) {
      archive.close();
      throw e;
    }
  }

  private ModelDescription register(ModelArchive archive, Consumer<ModelConfig.Builder> overrides,
      AutoCloseable owned) {
    Objects.requireNonNull(archive, "archive");
    Objects.requireNonNull(overrides, "overrides");
    ensureOpen();
    if (archive.isClosed()) {
      throw new ArchiveException(archive + " is closed; open it again to register it");
    }
    Manifest m = archive.manifest();
    String label = "model '" + m.modelName() + "' version '" + m.modelVersion() + "'";
    registry.requireNotRegistered(m.modelName(), m.modelVersion());
    ModelConfig config = m.defaultConfig().with(overrides);
    Supplier<? extends Handler<?, ?>> factory = handlers.resolve(m.handler(), label);
    Engine engine = createEngine(archive, config, label);
    ModelVersion version;
    try {
      config = withEngineLayout(config, engine);
      version = new ModelVersion(archive, config, engine, factory, resources, owned, events);
    } catch (RuntimeException e) {
      if (engine != null) {
        engine.close();
      }
      throw e;
    }
    awaitFirstWorker(version, label);
    try {
      registry.add(version, closed);
    } catch (RuntimeException e) {
      version.close(Duration.ZERO);
      throw e;
    }
    events.modelRegistered(m.modelName(), m.modelVersion());
    log.info("Registered {} ({} workers, maxBatchSize {}, {})", label, config.minWorkers(),
        config.maxBatchSize(), config.batchingMode());
    return describe(m.modelName());
  }

  /** Lets the engine choose the worker count when neither the archive nor the application did. */
  private static ModelConfig withEngineLayout(ModelConfig config, Engine engine) {
    if (engine == null || config.isSet("minWorkers") || config.isSet("maxWorkers")) {
      return config;
    }
    int workers = engine.defaultWorkers(Runtime.getRuntime().availableProcessors());
    return workers == config.minWorkers() ? config : config.with(b -> b.workers(workers));
  }

  private Engine createEngine(ModelArchive archive, ModelConfig config, String label) {
    Manifest m = archive.manifest();
    if (m.engine() == null) {
      if (!config.engineOptions().isEmpty()) {
        throw new InvalidConfigException(label + ": engineOptions " + config.engineOptions().keySet()
            + " given, but the manifest names no engine");
      }
      return null;
    }
    EngineProvider provider = engines.get(m.engine(), label);
    Map<String, String> options = ArchiveEngineOptions.confine(provider, archive, config.engineOptions(), label);
    return provider.create(new EngineSpec(m.modelName(), m.modelVersion(), options, config.inferenceTimeout()));
  }

  private void awaitFirstWorker(ModelVersion version, String label) {
    try {
      version.start().get(startupTimeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      version.close(Duration.ZERO);
      Throwable cause = e.getCause();
      throw new HandlerException(label + ": the first worker failed to initialize: " + cause, cause);
    } catch (TimeoutException e) {
      version.close(Duration.ZERO);
      throw new HandlerException(label + ": no worker was ready within startupTimeout "
          + startupTimeout.toMillis() + "ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      version.close(Duration.ZERO);
      throw new ServingException(label + ": interrupted while waiting for the first worker", e);
    }
  }

  /**
   * Unregisters every version of {@code name}, draining each for up to the server's drain timeout.
   *
   * @throws ModelNotFoundException when {@code name} is not registered
   * @throws ServerClosedException when the server is closed
   */
  public void unregister(String name) {
    closeAll(whileOpen(() -> registry.removeAll(name)));
  }

  /** Unregisters one version, draining it for up to the server's drain timeout. */
  public boolean unregister(String name, String version) {
    return unregister(name, version, drainTimeout);
  }

  /**
   * Unregisters one version: it accepts nothing new, its queued and running requests finish (or fail with
   * {@link ServerClosedException} after {@code timeout}), then its workers stop. If it was the default, the
   * earliest registered remaining version becomes the default; a traffic split or shadow naming it is removed.
   * Calls that named no version and raced with the removal are routed again, so none fails because of it.
   *
   * @param timeout at least zero; one beyond about 73 years waits for ever
   * @return true when every accepted request finished within the timeout
   * @throws InvalidConfigException when {@code timeout} is null or negative (nothing is unregistered then)
   * @throws ModelNotFoundException when that version is not registered
   * @throws ServerClosedException when the server is closed
   */
  public boolean unregister(String name, String version, Duration timeout) {
    Duration wait = Durations.requireWait("unregister timeout", timeout, true);
    return closeVersion(whileOpen(() -> registry.remove(name, version)), wait);
  }

  /**
   * Closes versions one after another against one deadline, {@code drainTimeout} from now. Sequential on purpose:
   * a {@code parallelStream} would park common-pool threads (the application's as well as ours) for up to the
   * drain timeout. Nothing is lost by it: the versions were removed from the registry first, so none takes new
   * calls, and each keeps draining on its own worker threads while an earlier one is waited for; the shared
   * deadline keeps the whole close within one drain timeout, not one per version.
   */
  private void closeAll(List<ModelVersion> versions) {
    long deadline = System.nanoTime() + drainTimeout.toNanos(); // at most Durations.FOREVER: cannot overflow
    for (ModelVersion v : versions) {
      closeVersion(v, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }
  }

  private boolean closeVersion(ModelVersion v, Duration timeout) {
    boolean clean = v.close(timeout);
    events.modelUnregistered(v.modelName(), v.modelVersion());
    return clean;
  }

  /**
   * Sets the number of workers of one version; {@code min} workers run now, up to {@code max} on demand.
   *
   * @throws InvalidConfigException when a bound is outside 0..1024 or {@code max < min}
   */
  public void scaleWorkers(String name, String version, int min, int max) {
    whileOpen(() -> registry.find(name, version)).scale(min, max);
  }

  /** Makes {@code version} the target of calls that name no version. */
  public void setDefaultVersion(String name, String version) {
    whileOpen(() -> registry.setDefault(name, version, false));
  }

  /**
   * Hot swap: registers {@code archive} (a new version of an already registered model), makes it the default,
   * then drains and unregisters the previous default. Calls keep flowing throughout: those already accepted by the
   * old version finish there, new ones go to the new version, and none fails because of the swap. A traffic split
   * is cleared (it named the old versions).
   *
   * @return the description after the swap
   * @throws ModelNotFoundException when no model of the archive's name is registered
   * @throws ServerClosedException when the server is closed
   */
  public ModelDescription reload(Path archive) {
    return reload(archive, b -> {});
  }

  /** Like {@link #reload(Path)}, with config overrides for the new version. */
  public ModelDescription reload(Path archive, Consumer<ModelConfig.Builder> overrides) {
    ensureOpen();
    ModelArchive opened = ModelArchive.open(archive);
    Manifest m = opened.manifest();
    if (!registry.contains(m.modelName())) {
      opened.close();
      ensureOpen();
      throw new ModelNotFoundException("model '" + m.modelName() + "' is not registered; register it before "
          + "reloading");
    }
    registerOwned(opened, overrides);
    String old = registry.setDefault(m.modelName(), m.modelVersion(), true);
    unregister(m.modelName(), old);
    return describe(m.modelName());
  }

  /**
   * Splits calls that name no version between versions by weight (for example {@code {"1": 90, "2": 10}}). With a
   * {@link PredictOptions#key() key}, a call's version is a deterministic function of the key (sticky); without
   * one it is random by weight. An empty map removes the split.
   *
   * @throws InvalidConfigException when a weight is negative, all are zero, or a version is unknown
   */
  public void setTrafficSplit(String name, Map<String, Integer> weights) {
    whileOpen(() -> {
      registry.setTrafficSplit(name, weights);
      return null;
    });
  }

  /**
   * Mirrors {@code fraction} (0..1) of the calls routed to other versions of {@code name} to {@code version} as
   * well. Callers only ever get the primary's answer; the shadow's outcomes and latency are counted in
   * {@link #describe}. A failing or overloaded shadow never affects callers.
   */
  public void setShadow(String name, String version, double fraction) {
    Objects.requireNonNull(version, "version");
    whileOpen(() -> {
      registry.setShadow(name, version, fraction);
      return null;
    });
  }

  /** Stops mirroring calls of {@code name}. */
  public void clearShadow(String name) {
    whileOpen(() -> {
      registry.setShadow(name, null, 0);
      return null;
    });
  }

  /**
   * Writes every registered model (archive paths, configs in force, default versions, traffic splits, shadows) to
   * {@code file}, atomically. Nothing is written unless asked; restore with {@link #restoreSnapshot}.
   */
  public void writeSnapshot(Path file) {
    ensureOpen();
    Snapshots.write(file, registry.snapshot());
  }

  /**
   * Registers everything a snapshot lists, each version with the exact config it had, then restores defaults,
   * splits and shadows. All or nothing: the snapshot is validated first, and if one version fails to register,
   * those registered by this call are unregistered again before the error is thrown.
   */
  public void restoreSnapshot(Path file) {
    ensureOpen();
    List<Snapshots.ModelEntry> entries = Snapshots.read(file);
    List<String[]> done = new ArrayList<>();
    try {
      for (Snapshots.ModelEntry m : entries) {
        for (Snapshots.VersionEntry v : m.versions()) {
          restoreVersion(file, m.name(), v);
          done.add(new String[] {m.name(), v.version()});
        }
        setDefaultVersion(m.name(), m.defaultVersion());
        setTrafficSplit(m.name(), m.trafficSplit());
        if (m.shadowVersion() != null) {
          setShadow(m.name(), m.shadowVersion(), m.shadowFraction());
        }
      }
    } catch (RuntimeException e) {
      for (String[] nv : done) {
        try {
          unregister(nv[0], nv[1]);
        } catch (RuntimeException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  private void restoreVersion(Path file, String name, Snapshots.VersionEntry v) {
    ModelArchive archive = ModelArchive.open(v.archive());
    Manifest found = archive.manifest();
    if (!found.modelName().equals(name) || !found.modelVersion().equals(v.version())) {
      archive.close();
      throw new ServingException("snapshot " + file + " lists " + v.archive() + " as model '" + name
          + "' version '" + v.version() + "', but it now holds '" + found.modelName() + "' version '"
          + found.modelVersion() + "'");
    }
    registerOwned(archive, b -> b.apply(v.config()));
  }

  /**
   * Describes a model: versions, config, workers, queue depth, counts, traffic split and shadow.
   *
   * @throws ModelNotFoundException when {@code name} is not registered
   * @throws ServerClosedException when the server is closed
   */
  public ModelDescription describe(String name) {
    return whileOpen(() -> registry.describe(name));
  }

  /** Names of the registered models. */
  public List<String> models() {
    return registry.names();
  }

  /** Calls the default version of {@code name}. See {@link #predict(String, Object, PredictOptions)}. */
  public CompletableFuture<Object> predict(String name, Object input) {
    return predict(name, input, PredictOptions.DEFAULTS);
  }

  /**
   * Queues {@code input} for model {@code name} and returns at once: the untyped call, for code that routes by
   * model name without knowing its types. The future completes with the handler's output as an {@code Object}, or
   * exceptionally with a {@link ServingException}: {@link ModelNotFoundException}, {@link InvalidInputException}
   * (wrong input type or priority), {@link QueueFullException}, {@link DeadlineExceededException},
   * {@link HandlerException} or {@link ServerClosedException}. Cancelling the future removes a queued request.
   * Application code that knows its types calls through {@link #client(String, Class, Class)} instead.
   */
  public CompletableFuture<Object> predict(String name, Object input, PredictOptions options) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(options, "options");
    if (closed) {
      return CompletableFuture.failedFuture(new ServerClosedException("the server is closed"));
    }
    CompletableFuture<Object> f = registry.submit(name, input, options);
    if (closed && f.isCompletedExceptionally()) {
      // close() raced with this call and emptied the registry: say why, not "model not found"
      return CompletableFuture.failedFuture(new ServerClosedException("the server is closed"));
    }
    return f;
  }

  /** Calls {@code name} and waits for the result; serving errors are thrown as they are. */
  public Object predictBlocking(String name, Object input) {
    return predictBlocking(name, input, PredictOptions.DEFAULTS);
  }

  /** Calls {@code name} with options and waits; an interrupt cancels the request and is kept on the thread. */
  public Object predictBlocking(String name, Object input, PredictOptions options) {
    return await(predict(name, input, options));
  }

  /**
   * Returns a typed client bound to model {@code name}, checking now what can be checked: each registered version's
   * declared {@link Handler#inputType()} and {@link Handler#outputType()} must be able to match {@code I} and
   * {@code O} (one a subtype of the other). Outputs are checked call by call (see {@link ModelClient#predict}).
   *
   * @throws ModelNotFoundException when {@code name} is not registered
   * @throws InvalidInputException when a version's handler can never accept an {@code I}
   * @throws OutputTypeException when a version's handler declares outputs that can never be an {@code O}
   * @throws ServerClosedException when the server is closed
   */
  public <I, O> ModelClient<I, O> client(String name, Class<I> inputType, Class<O> outputType) {
    Objects.requireNonNull(inputType, "inputType");
    Objects.requireNonNull(outputType, "outputType");
    for (ModelVersion v : whileOpen(() -> registry.versions(name))) {
      if (disjoint(v.inputType(), inputType)) {
        throw new InvalidInputException(v.label() + " takes " + v.inputType().getName() + " inputs; a client of "
            + inputType.getName() + " inputs could never call it");
      }
      if (disjoint(v.outputType(), outputType)) {
        throw new OutputTypeException(v.label() + " returns " + v.outputType().getName() + " outputs; a client "
            + "expecting " + outputType.getName() + " could never get one");
      }
    }
    return new ModelClient<>(this, name, inputType, outputType);
  }

  /** The server's meter registry, or null; for {@link Pipeline}'s node meters. */
  MeterRegistry meterRegistry() {
    return meterRegistry;
  }

  /** The server's listeners in call order; for {@link Pipeline}'s node events. */
  List<ServingEventListener> listeners() {
    return listeners;
  }

  /** The server's scheduling time source; pipelines measure their deadlines with it. */
  Ticker ticker() {
    return ticker;
  }

  private static boolean disjoint(Class<?> a, Class<?> b) {
    return !a.isAssignableFrom(b) && !b.isAssignableFrom(a);
  }

  static <O> O await(CompletableFuture<O> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new ServingException("interrupted while waiting for the prediction", e);
    } catch (ExecutionException | CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new ServingException("prediction failed: " + cause, cause);
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new ServerClosedException("the server is closed");
    }
  }

  /**
   * Runs a registry action on an open server. A model missing because {@link #close} emptied the registry
   * meanwhile is reported as {@link ServerClosedException}, not as an unknown model.
   */
  private <T> T whileOpen(Supplier<T> action) {
    ensureOpen();
    try {
      return action.get();
    } catch (ModelNotFoundException e) {
      ensureOpen();
      throw e;
    }
  }

  /**
   * Stops accepting requests, lets every accepted request finish (failing what is left after the drain timeout
   * with {@link ServerClosedException}), stops the workers and closes handlers and engines. Idempotent.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    try {
      closeAll(registry.clear());
    } finally {
      resources.close(); // the timer thread stops even if a version failed to close
    }
  }

  /** Builds a {@link ModelServer}. Setters validate at once; {@link #build()} may be called more than once. */
  public static final class Builder {
    private String name = "serving4j-" + SERVER_IDS.incrementAndGet();
    private Duration restartBackoffInitial = Duration.ofMillis(100);
    private Duration restartBackoffMax = Duration.ofSeconds(30);
    private Duration drainTimeout = Duration.ofSeconds(30);
    private Duration startupTimeout = Duration.ofMinutes(5);
    private ClassLoader classLoader = ModelServer.class.getClassLoader();
    private java.util.function.Predicate<String> handlerClassFilter = name -> true;
    private final Map<String, Supplier<? extends Handler<?, ?>>> handlerAliases = new LinkedHashMap<>();
    private MeterRegistry meterRegistry;
    private ObservationRegistry observationRegistry;
    private final List<ServingEventListener> listeners = new ArrayList<>();
    private boolean percentileHistograms;
    private long maxLoaded = Long.MAX_VALUE;
    private Ticker ticker = Ticker.system();

    private Builder() {}

    /** Names the server in thread names and logs. */
    public Builder name(String value) {
      if (value == null || value.isBlank() || value.length() > 64) {
        throw new InvalidConfigException("name must be 1..64 non-blank characters, was '" + value + "'");
      }
      name = value;
      return this;
    }

    /** Registers a handler alias that manifests may name in their {@code handler} field. */
    public Builder handler(String alias, Supplier<? extends Handler<?, ?>> factory) {
      if (alias == null || !alias.matches("[A-Za-z0-9_-]{1,64}")) {
        throw new InvalidConfigException("handler alias must be 1..64 of [A-Za-z0-9_-], was '" + alias + "'");
      }
      handlerAliases.put(alias, Objects.requireNonNull(factory, "factory"));
      return this;
    }

    /** Backoff before restarting a crashed worker: doubles from {@code initial} up to {@code max}. */
    public Builder restartBackoff(Duration initial, Duration max) {
      if (initial == null || max == null || initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
        throw new InvalidConfigException("restartBackoff needs 0 < initial <= max, was " + initial + ", " + max);
      }
      restartBackoffInitial = Durations.saturate(initial);
      restartBackoffMax = Durations.saturate(max);
      return this;
    }

    /**
     * How long unregister and close wait for accepted requests before failing them. Default 30 s; a value beyond
     * about 73 years waits for ever.
     *
     * @throws InvalidConfigException when null or negative
     */
    public Builder drainTimeout(Duration value) {
      drainTimeout = Durations.requireWait("drainTimeout", value, true);
      return this;
    }

    /**
     * How long register waits for the first worker to initialize. Default 5 min; a value beyond about 73 years
     * waits for ever.
     *
     * @throws InvalidConfigException when null, zero or negative
     */
    public Builder startupTimeout(Duration value) {
      startupTimeout = Durations.requireWait("startupTimeout", value, false);
      return this;
    }

    /** The class loader handler classes and providers are loaded from. Default: serving4j's own. */
    public Builder classLoader(ClassLoader value) {
      classLoader = Objects.requireNonNull(value, "classLoader");
      return this;
    }

    /**
     * Vets the class names manifests may name as handlers (aliases are not affected). Default: any class on the
     * server's class loader that implements {@link Handler}; a name the filter refuses fails registration before
     * the class is even loaded. Example: {@code name -> name.startsWith("com.example.handlers.")}.
     */
    public Builder handlerClassFilter(java.util.function.Predicate<String> filter) {
      handlerClassFilter = Objects.requireNonNull(filter, "handlerClassFilter");
      return this;
    }

    /**
     * Publishes serving4j's meters (see {@code docs/metrics.md}) to {@code registry}. Without one, no meter is
     * created and handlers get {@link HandlerMetrics#NOOP}.
     */
    public Builder meterRegistry(MeterRegistry registry) {
      meterRegistry = Objects.requireNonNull(registry, "meterRegistry");
      return this;
    }

    /**
     * Traces every request with Micrometer observations (see {@code docs/metrics.md}, "Tracing"): one
     * {@code serving4j.request} observation per accepted request, child of the observation current on the calling
     * thread inside {@code predict}, with a {@code serving4j.request.queue} child for its queue wait and a
     * {@code serving4j.request.run} child for each batch that ran it. Low-cardinality keys: model, version, outcome,
     * batch size. With micrometer-tracing and an OpenTelemetry bridge each request becomes one trace. Without a
     * registry nothing is observed and nothing is allocated for it.
     */
    public Builder observationRegistry(ObservationRegistry registry) {
      observationRegistry = Objects.requireNonNull(registry, "observationRegistry");
      return this;
    }

    /** Adds a listener; listeners are called in the order added, and one that throws never breaks serving. */
    public Builder listener(ServingEventListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Whether the timers and the batch-size summary publish percentile histograms (for server-side quantiles, e.g.
     * Prometheus {@code histogram_quantile}). Default false: the registry's own filters decide.
     */
    public Builder percentileHistograms(boolean enabled) {
      percentileHistograms = enabled;
      return this;
    }

    /** {@link ServerEvents#NONE} unless a registry, a listener or an observation registry was given. */
    private ServerEvents events() {
      return ServerObservers.create(meterRegistry, listeners, percentileHistograms, observationRegistry);
    }

    /**
     * Multiplexing: keeps at most {@code budget} of model versions loaded, counted by each version's
     * {@code loadWeight} (1 by default, so by default a count). A call to an unloaded version loads it; the least
     * recently used idle version is unloaded to make room, never one with queued or running calls. Default:
     * unbounded.
     */
    public Builder maxLoadedModels(long budget) {
      if (budget < 1) {
        throw new InvalidConfigException("maxLoadedModels must be >= 1, was " + budget);
      }
      maxLoaded = budget;
      return this;
    }

    /** The time source of scheduling decisions (see {@link Ticker}); for tests. Default {@link Ticker#system()}. */
    public Builder ticker(Ticker value) {
      ticker = Objects.requireNonNull(value, "ticker");
      return this;
    }

    /** Builds a new server; each has its own threads and registry. */
    public ModelServer build() {
      return new ModelServer(this);
    }
  }
}
