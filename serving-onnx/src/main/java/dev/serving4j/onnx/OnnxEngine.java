package dev.serving4j.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.providers.OrtCUDAProviderOptions;
import dev.serving4j.Device;
import dev.serving4j.ServingException;
import dev.serving4j.onnx.OnnxOptions.Provider;
import dev.serving4j.spi.Engine;
import dev.serving4j.spi.EngineModel;
import dev.serving4j.spi.EngineSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code onnxruntime} engine for one model version: opens sessions with the parsed {@link OnnxOptions} and hands
 * each worker an {@link OnnxModel}.
 *
 * <p>Session sharing: ONNX Runtime's {@code run} is thread-safe, so by default workers on the same device share one
 * session (one copy of the weights, one intra-op pool), reference-counted and closed when its last worker closes its
 * model. With {@code sessionPerWorker=true} each worker opens its own. Sessions are opened outside the engine's lock
 * (loading a model takes seconds); workers wanting the same session wait on that session's own lock.
 *
 * <p>ONNX Runtime has one environment per process. The engine only ever calls {@link OrtEnvironment#getEnvironment()}
 * (never the overloads that set global thread pools), so it works whether or not another library created the
 * environment first, and thread counts are per session.
 */
final class OnnxEngine implements Engine {
  private static final Logger LOG = LoggerFactory.getLogger(OnnxEngine.class);

  private final EngineSpec spec;
  private final OnnxOptions options;
  private final String model;
  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final NativeTracker tracker = new NativeTracker();
  private final Map<SessionKey, SharedSession> sessions = new HashMap<>();
  private final AtomicBoolean warned = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Cores of the elastic layout, or 0 when the options fix the thread layout (see {@link #elastic}). */
  private final int elasticCores;

  OnnxEngine(EngineSpec spec) {
    this.spec = spec;
    this.model = spec.modelName() + ":" + spec.modelVersion();
    this.options = OnnxOptions.parse(spec.options(), model);
    this.elasticCores = elastic(spec.options()) ? Runtime.getRuntime().availableProcessors() : 0;
  }

  /** Engine options that fix the thread layout; with none of them the engine chooses it (the elastic layout). */
  static final java.util.Set<String> LAYOUT_OPTIONS = java.util.Set.of("intraOpThreads", "interOpThreads",
      "intraOpSpinning", "sessionPerWorker");

  /**
   * Whether the engine chooses the thread layout itself: no layout option is given and the provider is not forced to
   * CUDA. Elastic: one worker per core, each running its batches on a shared one-thread session when other batches
   * run beside it, and on a shared session as wide as the machine when it runs alone (nothing else running or
   * queued), so a lone request gets every core and a loaded server runs one single-threaded run per core.
   */
  static boolean elastic(Map<String, String> options) {
    return options.keySet().stream().noneMatch(LAYOUT_OPTIONS::contains)
        && !"cuda".equals(options.get("executionProvider"));
  }

  /** One worker per core in the elastic layout (on 1 core, one); one otherwise. */
  @Override
  public int defaultWorkers(int cores) {
    return elasticCores > 0 ? Math.max(1, cores) : 1;
  }

  @Override
  public EngineModel load(Path modelFile, Device device, int workerId) {
    if (closed.get()) {
      throw new ServingException("the onnxruntime engine of model " + model + " is closed");
    }
    if (!Files.isRegularFile(modelFile)) {
      throw new ServingException("model file " + modelFile + " of model " + model + " does not exist");
    }
    Path file = modelFile.toAbsolutePath().normalize();
    boolean wide = elasticCores > 1 && !device.isGpu();
    SessionKey key = new SessionKey(file, device, options.sessionPerWorker() ? workerId : -1,
        elasticCores > 0 ? 1 : 0);
    SharedSession narrow = acquire(key);
    SessionKey wideKey = new SessionKey(file, device, -1, elasticCores);
    SharedSession widest = null;
    try {
      if (wide && Device.CPU.equals(narrow.device)) {
        widest = acquire(wideKey);
      }
      SharedSession w = widest;
      return new OnnxModel(model, narrow.session, w == null ? null : w.session, w == null ? null : w.choice(model),
          narrow.device, inferenceTimeout(),
          tracker, () -> {
            release(key, narrow);
            if (w != null) {
              release(wideKey, w);
            }
          });
    } catch (RuntimeException e) {
      release(key, narrow);
      if (widest != null) {
        release(wideKey, widest);
      }
      throw e;
    }
  }

  /** Takes a reference to the session for {@code key}, opening it if this is the first. */
  private SharedSession acquire(SessionKey key) {
    SharedSession shared;
    synchronized (sessions) {
      shared = sessions.computeIfAbsent(key, k -> new SharedSession());
      shared.refs++;
    }
    try {
      shared.open(this, key);
      return shared;
    } catch (RuntimeException e) {
      release(key, shared);
      throw e;
    }
  }

  /** Drops one reference; the last one closes the session (outside the lock). */
  private void release(SessionKey key, SharedSession shared) {
    boolean last;
    synchronized (sessions) {
      last = --shared.refs == 0;
      if (last) {
        sessions.remove(key, shared);
      }
    }
    if (last) {
      shared.close(model);
    }
  }

  private Duration inferenceTimeout() {
    Duration t = spec.inferenceTimeout();
    return t == null || t.isNegative() ? Duration.ZERO : t;
  }

  /** Opens a session for {@code device}, falling back to the CPU when CUDA is missing and not required. */
  OrtSession openSession(Path file, Device device, int threads, Device[] actual) {
    Provider requested = options.requestedProvider(device);
    boolean cudaAvailable = OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
    Provider provider = OnnxOptions.decideProvider(requested, cudaAvailable, options.gpuRequired());
    if (provider != requested) {
      warnFallback("ONNX Runtime's CUDA execution provider is not on the class path");
    }
    try {
      actual[0] = provider == Provider.CUDA ? Device.gpu(device.id()) : Device.CPU;
      return create(file, provider, device.id(), threads);
    } catch (OrtException e) {
      if (provider != Provider.CUDA || options.gpuRequired()) {
        throw new ServingException("cannot open " + file.getFileName() + " for model " + model + " on "
            + provider.name().toLowerCase(java.util.Locale.ROOT) + ": " + e.getMessage(), e);
      }
      warnFallback("opening the session on " + device + " failed (" + e.getMessage() + ")");
      actual[0] = Device.CPU;
      try {
        return create(file, Provider.CPU, 0, threads);
      } catch (OrtException cpu) {
        throw new ServingException("cannot open " + file.getFileName() + " for model " + model + ": "
            + cpu.getMessage(), cpu);
      }
    }
  }

  private OrtSession create(Path file, Provider provider, int deviceId, int threads) throws OrtException {
    try (SessionOptions so = sessionOptions(options, threads)) {
      if (provider != Provider.CUDA) {
        return env.createSession(file.toString(), so);
      }
      try (OrtCUDAProviderOptions cuda = new OrtCUDAProviderOptions(deviceId)) {
        for (Map.Entry<String, String> e : options.cudaProviderOptions().entrySet()) {
          cuda.add(e.getKey(), e.getValue());
        }
        so.addCUDA(cuda);
        return env.createSession(file.toString(), so);
      }
    }
  }

  /** Maps the CPU-side options onto fresh session options (the caller closes them). */
  static SessionOptions sessionOptions(OnnxOptions o) throws OrtException {
    return sessionOptions(o, 0);
  }

  /**
   * Like {@link #sessionOptions(OnnxOptions)}, for a session of the elastic layout when {@code threads > 0}: that
   * many intra-op threads and one inter-op thread, whose intra-op threads spin during a run (between one operator's
   * parallel section and the next: parking them there costs a wake-up per section, tens of microseconds each on a
   * VM) and stop spinning the moment the run returns ({@code session.force_spinning_stop}), so a wide session
   * waiting between lone requests takes no CPU from the one-thread runs beside it.
   */
  static SessionOptions sessionOptions(OnnxOptions o, int threads) throws OrtException {
    SessionOptions so = new SessionOptions();
    try {
      int intra = threads > 0 ? threads : o.intraOpThreads();
      if (intra > 0) {
        so.setIntraOpNumThreads(intra);
      }
      if (threads > 0) {
        so.setInterOpNumThreads(1);
      } else if (o.interOpThreads() > 0) {
        so.setInterOpNumThreads(o.interOpThreads());
      }
      boolean spin = threads > 0 || o.intraOpSpinning();
      so.addConfigEntry("session.intra_op.allow_spinning", spin ? "1" : "0");
      if (threads > 0) {
        so.addConfigEntry("session.force_spinning_stop", "1");
      }
      so.setOptimizationLevel(o.optimizationLevel());
      if (o.optimizedModelPath() != null) {
        so.setOptimizedModelFilePath(o.optimizedModelPath());
      }
      so.setCPUArenaAllocator(o.memoryArena());
      return so;
    } catch (OrtException | RuntimeException e) {
      so.close();
      throw e;
    }
  }

  private void warnFallback(String why) {
    if (warned.compareAndSet(false, true)) {
      LOG.warn("model {}: CUDA was requested but {}; running on the CPU instead (set engine option "
          + "gpuRequired=true to fail instead)", model, why);
    }
  }

  /** Native tensors of this engine not closed yet. */
  int liveTensors() {
    return tracker.live();
  }

  /** Sessions currently open. */
  int openSessions() {
    synchronized (sessions) {
      return (int) sessions.values().stream().filter(s -> s.session != null).count();
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    Map<SessionKey, SharedSession> open;
    synchronized (sessions) {
      open = new HashMap<>(sessions);
      sessions.clear();
    }
    open.values().forEach(s -> s.close(model));
  }

  /**
   * Which session a worker gets: per file and device, plus the worker id when sessions are per worker, and the
   * elastic layout's thread count (0 when the options fix it).
   */
  private record SessionKey(Path file, Device device, int workerId, int threads) {}

  /** One session and how many worker models use it; opened once, by the first worker that needs it. */
  private static final class SharedSession {
    int refs; // guarded by the engine's sessions lock
    volatile OrtSession session;
    volatile Device device;
    private WideChoice choice; // a wide session's, shared by the workers using it

    synchronized WideChoice choice(String model) {
      if (choice == null) {
        choice = new WideChoice(model);
      }
      return choice;
    }

    synchronized void open(OnnxEngine engine, SessionKey key) {
      if (session == null) {
        Device[] actual = new Device[1];
        session = engine.openSession(key.file(), key.device(), key.threads(), actual);
        device = actual[0];
      }
    }

    synchronized void close(String model) {
      if (session == null) {
        return;
      }
      try {
        session.close();
      } catch (OrtException e) {
        LOG.warn("model {}: closing an ONNX Runtime session failed", model, e);
      }
      session = null;
    }
  }
}
