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
  private final RunGuard.Timer timer;
  private final Map<SessionKey, SharedSession> sessions = new HashMap<>();
  private final AtomicBoolean warned = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();

  OnnxEngine(EngineSpec spec, RunGuard.Timer timer) {
    this.spec = spec;
    this.model = spec.modelName() + ":" + spec.modelVersion();
    this.options = OnnxOptions.parse(spec.options(), model);
    this.timer = timer;
  }

  @Override
  public EngineModel load(Path modelFile, Device device, int workerId) {
    if (closed.get()) {
      throw new ServingException("the onnxruntime engine of model " + model + " is closed");
    }
    if (!Files.isRegularFile(modelFile)) {
      throw new ServingException("model file " + modelFile + " of model " + model + " does not exist");
    }
    SessionKey key = new SessionKey(modelFile.toAbsolutePath().normalize(), device,
        options.sessionPerWorker() ? workerId : -1);
    SharedSession shared;
    synchronized (sessions) {
      shared = sessions.computeIfAbsent(key, k -> new SharedSession());
      shared.refs++;
    }
    try {
      shared.open(this, key);
      return new OnnxModel(model, shared.session, shared.device, inferenceTimeout(), tracker, timer,
          () -> release(key, shared));
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
  OrtSession openSession(Path file, Device device, Device[] actual) {
    Provider requested = options.requestedProvider(device);
    boolean cudaAvailable = OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
    Provider provider = OnnxOptions.decideProvider(requested, cudaAvailable, options.gpuRequired());
    if (provider != requested) {
      warnFallback("ONNX Runtime's CUDA execution provider is not on the class path");
    }
    try {
      actual[0] = provider == Provider.CUDA ? Device.gpu(device.id()) : Device.CPU;
      return create(file, provider, device.id());
    } catch (OrtException e) {
      if (provider != Provider.CUDA || options.gpuRequired()) {
        throw new ServingException("cannot open " + file.getFileName() + " for model " + model + " on "
            + provider.name().toLowerCase(java.util.Locale.ROOT) + ": " + e.getMessage(), e);
      }
      warnFallback("opening the session on " + device + " failed (" + e.getMessage() + ")");
      actual[0] = Device.CPU;
      try {
        return create(file, Provider.CPU, 0);
      } catch (OrtException cpu) {
        throw new ServingException("cannot open " + file.getFileName() + " for model " + model + ": "
            + cpu.getMessage(), cpu);
      }
    }
  }

  private OrtSession create(Path file, Provider provider, int deviceId) throws OrtException {
    try (SessionOptions so = sessionOptions(options)) {
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
    SessionOptions so = new SessionOptions();
    try {
      if (o.intraOpThreads() > 0) {
        so.setIntraOpNumThreads(o.intraOpThreads());
      }
      if (o.interOpThreads() > 0) {
        so.setInterOpNumThreads(o.interOpThreads());
      }
      so.addConfigEntry("session.intra_op.allow_spinning", o.intraOpSpinning() ? "1" : "0");
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
    timer.close();
  }

  /** Which session a worker gets: per file and device, plus the worker id when sessions are per worker. */
  private record SessionKey(Path file, Device device, int workerId) {}

  /** One session and how many worker models use it; opened once, by the first worker that needs it. */
  private static final class SharedSession {
    int refs; // guarded by the engine's sessions lock
    volatile OrtSession session;
    volatile Device device;

    synchronized void open(OnnxEngine engine, SessionKey key) {
      if (session == null) {
        Device[] actual = new Device[1];
        session = engine.openSession(key.file(), key.device(), actual);
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
