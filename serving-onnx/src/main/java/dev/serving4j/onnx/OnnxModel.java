package dev.serving4j.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.RunOptions;
import ai.onnxruntime.TensorInfo;
import dev.serving4j.Device;
import dev.serving4j.InferenceTimeoutException;
import dev.serving4j.InvalidInputException;
import dev.serving4j.ServingException;
import dev.serving4j.spi.EngineModel;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An ONNX model loaded for one worker (its session may be shared with the other workers on the device): the
 * input/output metadata and runs that are validated, time-limited and leak-free.
 *
 * <p>Every run first checks the inputs against the session's metadata (names, dtype, rank, fixed dimensions, and
 * equal sizes for a symbolic dimension shared by several inputs) and raises {@link InvalidInputException} before any
 * native code runs. When the worker's batch overruns the inference timeout, the server's watchdog calls
 * {@link #abort()}, which sets {@code RunOptions.setTerminate(true)} on the run in progress: it stops between
 * operators and raises {@link InferenceTimeoutException}, and the session stays usable (the engine needs no timer
 * thread of its own). Other native failures become {@link ServingException}s naming the model.
 *
 * <p>{@link #run(Map)} is the normal path: our {@link Tensor}s go in without a copy (their direct buffers back the
 * native tensors) and the outputs come back copied into {@link Tensor}s; every native tensor and result is closed
 * before it returns. {@link #createTensor} and {@link #runNative} are for handlers that need ONNX Runtime's own types;
 * the caller closes what they return. The class is longer than most because those three paths share one validation
 * and one execution (session choice, abort, leak tracking) that must not drift apart.
 */
public final class OnnxModel implements EngineModel {
  private final String model;
  private final OrtSession session;
  /** The elastic layout's session as wide as the machine, for batches that run alone; null otherwise. */
  private final OrtSession wide;
  /** Whether a lone batch is faster on {@link #wide} than on the one-thread session, learned; null without it. */
  private final WideChoice choice;
  /** Cores the next batch may use ({@link #coresForNextBatch}); only this worker's thread touches it. */
  private int cores = 1;
  private final Device device;
  private final Duration timeout;
  private final NativeTracker tracker;
  /** The run in progress, for {@link #abort()}; null between runs. */
  private volatile RunGuard running;
  /** Test seam: runs after a run's guard is published and before ONNX Runtime starts it (set before any run). */
  private Runnable runStarting = () -> {};
  private final Runnable release;
  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final Map<String, TensorSpec> inputs;
  private final Map<String, TensorSpec> outputs;
  private final AtomicBoolean closed = new AtomicBoolean();

  OnnxModel(String model, OrtSession session, OrtSession wide, WideChoice choice, Device device, Duration timeout,
      NativeTracker tracker, Runnable release) {
    if ((wide == null) != (choice == null)) {
      throw new IllegalArgumentException("a wide session comes with its choice, and only then");
    }
    this.model = model;
    this.session = session;
    this.wide = wide;
    this.choice = choice;
    this.device = device;
    this.timeout = timeout;
    this.tracker = tracker;
    this.release = release;
    try {
      this.inputs = specs(session.getInputInfo());
      this.outputs = specs(session.getOutputInfo());
    } catch (OrtException e) {
      throw new ServingException("cannot read the inputs and outputs of model " + model + ": " + e.getMessage(), e);
    }
  }

  private static Map<String, TensorSpec> specs(Map<String, NodeInfo> nodes) {
    Map<String, TensorSpec> m = new LinkedHashMap<>();
    nodes.forEach((name, node) -> {
      TensorSpec spec = TensorSpec.of(node);
      if (spec != null) {
        m.put(name, spec);
      }
    });
    return Collections.unmodifiableMap(m);
  }

  /** The model's tensor inputs, in the model's order. */
  public Map<String, TensorSpec> inputs() {
    return inputs;
  }

  /** The model's tensor outputs, in the model's order. */
  public Map<String, TensorSpec> outputs() {
    return outputs;
  }

  /**
   * The model's label for messages, {@code name:version}. Not named {@code modelName()}: that is the bare name
   * throughout the API ({@link dev.serving4j.HandlerContext#modelName()}, {@code EngineSpec.modelName()}).
   */
  public String label() {
    return model;
  }

  @Override
  public Device device() {
    return device;
  }

  /**
   * Checks {@code values} against the model's inputs without running anything.
   *
   * @throws InvalidInputException naming the input, what the model expects and what was given
   */
  public void validate(Map<String, Tensor> values) {
    Map<String, long[]> symbols = new HashMap<>();
    requireNames(values);
    values.forEach((name, t) -> check(name, t == null ? null : t.dtype(), null, t == null ? null : t.shape(),
        symbols));
  }

  /**
   * Runs a model of one input on {@code input} and returns its first output: the common case of an image or tensor
   * model. Validated and leak-free like {@link #run(Map)}.
   */
  public Tensor runOne(Tensor input) {
    return run(Map.of(inputs.keySet().iterator().next(), input)).values().iterator().next();
  }

  /**
   * Runs the model on {@code values} and returns every output, copied into tensors.
   *
   * @throws InvalidInputException when an input does not match the model (checked before native code runs)
   * @throws InferenceTimeoutException when the run exceeded the inference timeout and was aborted
   * @throws ServingException when ONNX Runtime fails, or an output has a type {@link Tensor} cannot hold
   */
  public Map<String, Tensor> run(Map<String, Tensor> values) {
    validate(values);
    Map<String, OnnxTensor> in = new LinkedHashMap<>();
    try {
      for (Map.Entry<String, Tensor> e : values.entrySet()) {
        in.put(e.getKey(), createTensor(e.getValue()));
      }
      OrtSession.Result result = execute(in);
      try {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, OnnxValue> e : result) {
          out.put(e.getKey(), toTensor(e.getKey(), e.getValue()));
        }
        return out;
      } finally {
        release(result);
      }
    } finally {
      in.values().forEach(tracker::close);
    }
  }

  /**
   * Runs the model on {@code values} and writes the named outputs straight into {@code outputs}' buffers (pinned,
   * pre-allocated outputs: no copy out). Use it when the output shapes are known before the run, as a padded batch's
   * are. Outputs not named are not computed.
   *
   * @throws InvalidInputException when an input, or an output's name, dtype or fixed dimensions, does not match the
   *     model (checked before native code runs), or ONNX Runtime rejects an output shape
   */
  public void runInto(Map<String, Tensor> values, Map<String, Tensor> outputs) {
    validate(values);
    for (Map.Entry<String, Tensor> e : outputs.entrySet()) {
      TensorSpec spec = this.outputs.get(e.getKey());
      Tensor t = e.getValue();
      if (spec == null || t == null || t.dtype() != spec.dtype() || !fits(spec.shape(), t.shape())) {
        throw new InvalidInputException("output '" + e.getKey() + "' of model " + model + " must be "
            + (spec == null ? "one of " + this.outputs.keySet() : spec.describe()) + ", was "
            + (t == null ? "null" : t.toString()));
      }
    }
    Map<String, OnnxTensor> in = new LinkedHashMap<>();
    Map<String, OnnxTensor> pinned = new LinkedHashMap<>();
    try {
      for (Map.Entry<String, Tensor> e : values.entrySet()) {
        in.put(e.getKey(), createTensor(e.getValue()));
      }
      for (Map.Entry<String, Tensor> e : outputs.entrySet()) {
        pinned.put(e.getKey(), createTensor(e.getValue()));
      }
      release(execute(in, pinned)); // pinned outputs are ours, not the result's: we close them below
    } finally {
      in.values().forEach(tracker::close);
      pinned.values().forEach(tracker::close);
    }
  }

  /** Closes a result and the outputs it owns, keeping the live-tensor count right. */
  private void release(OrtSession.Result result) {
    for (int i = 0; i < result.size(); i++) {
      if (result.isResultOwner(i)) {
        tracker.forget(result.get(i));
      }
    }
    result.close();
  }

  private static boolean fits(long[] spec, long[] actual) {
    if (spec.length != actual.length) {
      return false;
    }
    for (int i = 0; i < spec.length; i++) {
      if (spec[i] >= 0 && spec[i] != actual[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * Creates a native tensor over {@code tensor}'s own direct buffer (no copy). The caller closes it.
   *
   * @throws ServingException when ONNX Runtime refuses it
   */
  public OnnxTensor createTensor(Tensor tensor) {
    try {
      return tracker.track(OnnxTensor.createTensor(env, tensor.nativeBuffer(), tensor.shape(),
          tensor.dtype().onnxType()));
    } catch (OrtException e) {
      throw new ServingException("cannot create a native " + tensor + " for model " + model + ": "
          + e.getMessage(), e);
    }
  }

  /**
   * Runs the model on native tensors, validated and time-limited like {@link #run(Map)}. The caller closes the
   * result (which closes its outputs), in try-with-resources.
   */
  public OrtSession.Result runNative(Map<String, ? extends OnnxTensorLike> values) {
    Map<String, long[]> symbols = new HashMap<>();
    requireNames(values);
    values.forEach((name, t) -> {
      TensorInfo info = t == null ? null : t.getInfo();
      check(name, info == null ? null : DType.of(info.type), info == null ? null : info.type.toString(),
          info == null ? null : info.getShape(), symbols);
    });
    return execute(values);
  }

  private OrtSession.Result execute(Map<String, ? extends OnnxTensorLike> values) {
    return execute(values, Map.of());
  }

  /**
   * In the elastic layout, picks the session of the next runs: when the batch may use more than one core (it runs
   * alone), the wide one if lone runs are faster there ({@link WideChoice} learns it), else the one-thread one.
   * Called by the worker before each batch.
   */
  @Override
  public void coresForNextBatch(int cores) {
    this.cores = cores;
  }

  private OrtSession.Result execute(Map<String, ? extends OnnxTensorLike> values, Map<String, OnnxTensor> pinned) {
    requireOpen();
    if (choice == null) {
      return execute(session, values, pinned);
    }
    long ticket = choice.starting(cores > 1);
    boolean timed = WideChoice.timed(ticket); // only a lone run is timed: under load a run pays no clock or shape read
    long start = timed ? System.nanoTime() : 0;
    long took = 0;
    try {
      OrtSession.Result result = execute(WideChoice.wide(ticket) ? wide : session, values, pinned);
      took = timed ? System.nanoTime() - start : 0;
      return result;
    } finally {
      choice.finished(ticket, took, took > 0 ? elements(values) : 0);
    }
  }

  private OrtSession.Result execute(OrtSession session, Map<String, ? extends OnnxTensorLike> values,
      Map<String, OnnxTensor> pinned) {
    try (RunOptions options = new RunOptions()) {
      RunGuard guard = new RunGuard(options);
      running = guard;
      try {
        runStarting.run();
        OrtSession.Result result = pinned.isEmpty() ? session.run(values, options)
            : session.run(values, Set.of(), pinned, options); // requested outputs are those not pinned
        for (int i = 0; i < result.size(); i++) {
          if (result.isResultOwner(i)) {
            tracker.track(result.get(i));
          }
        }
        return result;
      } catch (OrtException e) {
        if (guard.finish()) {
          throw new InferenceTimeoutException("inference of model " + model + " overran its inference timeout of "
              + timeout.toMillis() + " ms and was aborted", e);
        }
        throw wrap(e);
      } finally {
        guard.finish();
        running = null;
      }
    } catch (OrtException e) {
      throw wrap(e);
    }
  }

  private static long elements(Map<String, ? extends OnnxTensorLike> values) {
    long n = 0;
    for (OnnxTensorLike t : values.values()) {
      long e = 1;
      for (long d : t.getInfo().getShape()) {
        e *= Math.max(1, d);
      }
      n += e;
    }
    return n;
  }

  /**
   * Aborts the run in progress on this worker, if any (the server's watchdog, on its timer thread, when the batch
   * overran the inference timeout); a run that already finished is left alone.
   */
  @Override
  public void abort() {
    RunGuard g = running;
    if (g != null) {
      g.terminate();
    }
  }

  /** Test seam: {@code hook} runs after each run's guard is published and before ONNX Runtime starts the run. */
  void onRunStarting(Runnable hook) {
    runStarting = hook;
  }

  private ServingException wrap(OrtException e) {
    if (e.getCode() == OrtException.OrtErrorCode.ORT_INVALID_ARGUMENT) {
      return new InvalidInputException("model " + model + " rejected its inputs: " + e.getMessage(), e);
    }
    return new ServingException("inference of model " + model + " failed (" + e.getCode() + "): "
        + e.getMessage(), e);
  }

  private Tensor toTensor(String name, OnnxValue value) {
    if (value instanceof OnnxTensor t && DType.of(t.getInfo().type) != null) {
      return Tensor.copyOf(DType.of(t.getInfo().type), t.getByteBuffer(), t.getInfo().getShape());
    }
    throw new ServingException("output '" + name + "' of model " + model + " is " + value.getInfo()
        + ", which Tensor cannot hold; use runNative to read it");
  }

  private void requireNames(Map<String, ?> values) {
    if (values == null) {
      throw new InvalidInputException("inputs of model " + model + " are null; expected " + inputs.values());
    }
    for (String name : inputs.keySet()) {
      if (!values.containsKey(name)) {
        throw new InvalidInputException("input '" + name + "' of model " + model + " is missing; expected "
            + inputs.values() + ", got " + values.keySet());
      }
    }
    for (String name : values.keySet()) {
      if (!inputs.containsKey(name)) {
        throw new InvalidInputException("model " + model + " has no input '" + name + "'; its inputs are "
            + inputs.keySet());
      }
    }
  }

  /** Checks one input; {@code symbols} records the size first seen for each symbolic dimension name. */
  private void check(String name, DType dtype, String typeName, long[] shape, Map<String, long[]> symbols) {
    TensorSpec spec = inputs.get(name);
    if (shape == null) {
      throw new InvalidInputException("input '" + name + "' of model " + model + " is null; expected "
          + spec.describe());
    }
    if (dtype == null || dtype != spec.dtype()) {
      throw mismatch(name, spec, dtype, typeName, shape, "wrong dtype");
    }
    long[] expected = spec.shape();
    if (shape.length != expected.length) {
      throw mismatch(name, spec, dtype, typeName, shape, "wrong rank");
    }
    String[] names = spec.dimensionNames();
    for (int i = 0; i < expected.length; i++) {
      if (expected[i] >= 0 && expected[i] != shape[i]) {
        throw mismatch(name, spec, dtype, typeName, shape, "dimension " + i + " must be " + expected[i]);
      }
      if (expected[i] < 0 && i < names.length && !names[i].isEmpty()) {
        long[] seen = symbols.putIfAbsent(names[i], new long[] {shape[i]});
        if (seen != null && seen[0] != shape[i]) {
          throw mismatch(name, spec, dtype, typeName, shape, "dimension '" + names[i] + "' is " + seen[0]
              + " in another input");
        }
      }
    }
  }

  /** Builds the message only when a check fails: validation runs on every batch and must be cheap on success. */
  private InvalidInputException mismatch(String name, TensorSpec spec, DType dtype, String typeName, long[] shape,
      String why) {
    String actual = (dtype != null ? dtype.toString() : typeName) + " " + Arrays.toString(shape);
    return new InvalidInputException("input '" + name + "' of model " + model + " expects " + spec.describe()
        + ", got " + actual + " (" + why + ")");
  }

  private void requireOpen() {
    if (closed.get()) {
      throw new ServingException("model " + model + " is closed");
    }
  }

  /**
   * Native tensors (inputs, outputs, results) of this model's engine that are not closed yet: 0 between runs when
   * nothing leaks. The built-in handlers publish it as the gauge {@code serving4j.custom.onnx.native.tensors}.
   */
  public int liveTensors() {
    return tracker.live();
  }

  /**
   * Publishes {@link #liveTensors()} as the handler metric {@code onnx.native.tensors} of {@code context}
   * ({@code serving4j.custom.onnx.native.tensors}, tagged with the model and version); a no-op without a registry.
   */
  public void publishLiveTensors(dev.serving4j.HandlerContext context) {
    context.metrics().gauge("onnx.native.tensors", this, OnnxModel::liveTensors);
  }

  /** Releases this worker's share of the session; the last worker's close closes it. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      release.run();
    }
  }
}
