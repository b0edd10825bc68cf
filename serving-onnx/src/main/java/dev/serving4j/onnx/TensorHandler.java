package dev.serving4j.onnx;

import dev.serving4j.Batch;
import dev.serving4j.Handler;
import dev.serving4j.HandlerContext;
import dev.serving4j.InvalidConfigException;
import dev.serving4j.InvalidInputException;
import dev.serving4j.ModelClient;
import dev.serving4j.ModelServer;
import dev.serving4j.ServingException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The built-in {@code tensor} handler: named {@link Tensor}s in, named tensors out, for any ONNX model whose inputs
 * all have a dynamic batch dimension 0.
 *
 * <p>A request gives every model input, batch dimension included ({@code [1, 4]} for one row, {@code [n, 4]} for n
 * rows; all inputs of a request have the same number of rows). Its outputs are the model's outputs cut to its rows.
 * A model whose input has a fixed or missing dimension 0 is rejected at {@link #initialize}.
 *
 * <p>Requests that do not fit the model (missing input, wrong dtype, rank or fixed dimension) fail alone with an
 * {@link InvalidInputException}. Requests whose dynamic dimensions beyond 0 differ (sequences of different
 * lengths) are not padded, since a generic handler cannot know what padding means to the model; they are run as
 * separate groups of identical shapes, one ONNX Runtime run per group. When several groups run, a failing group
 * fails only its own requests. With the handler property {@code bucket=shape} the scheduler keeps shapes apart
 * instead (see {@link #batchKey}). To pad with a mask, write a handler around {@link PaddedBatch}, as
 * {@link EmbeddingHandler} does.
 */
public final class TensorHandler implements Handler<Map<String, Tensor>, Map<String, Tensor>> {
  private OnnxModel model;
  private boolean bucketByShape;

  /** Creates an uninitialized handler. */
  public TensorHandler() {}

  /**
   * The typed client of a model served by this handler: {@code Map<String, Tensor>} in and out, which a
   * {@code Class} token cannot spell. Checked like any {@link ModelServer#client}.
   *
   * @throws dev.serving4j.ModelNotFoundException when {@code model} is not registered
   * @throws InvalidInputException when a version's handler takes something other than tensor maps
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static ModelClient<Map<String, Tensor>, Map<String, Tensor>> client(ModelServer server, String model) {
    return (ModelClient) server.client(model, Map.class, Map.class); // the erasure of this handler's types
  }

  /**
   * Loads the model and checks it is batchable.
   *
   * @throws InvalidConfigException when an input has no dynamic dimension 0
   */
  @Override
  public void initialize(HandlerContext context) {
    model = context.loadModel(OnnxModel.class);
    model.publishLiveTensors(context);
    String bucket = context.property("bucket", "none").trim();
    if (!bucket.equals("none") && !bucket.equals("shape")) {
      throw new InvalidConfigException("handler property 'bucket' of model " + model.label()
          + " must be 'none' or 'shape', was '" + bucket + "'");
    }
    bucketByShape = bucket.equals("shape");
    for (TensorSpec in : model.inputs().values()) {
      if (!in.hasDynamicBatch()) {
        throw new InvalidConfigException("model " + model.label() + " cannot be served by the tensor handler: "
            + "input '" + in.name() + "' is " + in.describe() + ", but requests are stacked along dimension 0, "
            + "which must be a dynamic batch dimension; re-export the model with a dynamic batch axis");
      }
    }
  }

  @Override
  public Class<?> inputType() {
    return Map.class;
  }

  /**
   * With handler property {@code bucket=shape}: the request's shape signature (every input's dimensions after 0),
   * so the scheduler only batches requests of one shape (one ONNX Runtime run per batch), and a request that does
   * not fit the model is refused before it is queued. Default ({@code bucket=none}): no key; mixed shapes in a
   * batch run as separate groups.
   */
  @Override
  public Object batchKey(Map<String, Tensor> input) {
    return bucketByShape ? signature(input) : null;
  }

  @Override
  public Object preprocess(Batch<Map<String, Tensor>> batch) {
    Map<String, List<Integer>> bySignature = new LinkedHashMap<>();
    for (int i = 0; i < batch.size(); i++) {
      try {
        bySignature.computeIfAbsent(signature(batch.input(i)), k -> new ArrayList<>()).add(i);
      } catch (InvalidInputException e) {
        batch.fail(i, e);
      }
    }
    List<Group> groups = new ArrayList<>();
    for (List<Integer> items : bySignature.values()) {
      Map<String, TensorStack> stacks = new LinkedHashMap<>();
      for (String name : model.inputs().keySet()) {
        stacks.put(name, TensorStack.of(items.stream().map(i -> batch.input(i).get(name)).toList()));
      }
      groups.add(new Group(items, stacks));
    }
    return groups;
  }

  /** Validates one request and returns the shape key of its batch-mates: every input's dimensions after 0. */
  private String signature(Map<String, Tensor> request) {
    if (request == null) {
      model.validate(request); // names the model and what was expected
    }
    for (Map.Entry<?, ?> e : ((Map<?, ?>) request).entrySet()) { // generics are erased: check what really came
      if (!(e.getKey() instanceof String) || !(e.getValue() instanceof Tensor)) {
        throw new InvalidInputException("input '" + e.getKey() + "' of model " + model.label() + " must map a "
            + "String name to a " + Tensor.class.getName() + ", was "
            + (e.getValue() == null ? "null" : e.getValue().getClass().getName()));
      }
    }
    model.validate(request);
    StringBuilder key = new StringBuilder();
    long rows = -1;
    for (String name : model.inputs().keySet()) {
      long[] shape = request.get(name).shape();
      if (rows >= 0 && shape[0] != rows) {
        throw new InvalidInputException("input '" + name + "' of model " + model.label() + " has " + shape[0]
            + " rows but the request's other inputs have " + rows + "; all inputs need the same dimension 0");
      }
      rows = shape[0];
      key.append(Arrays.toString(Arrays.copyOfRange(shape, 1, shape.length))).append(';');
    }
    if (rows < 1) {
      throw new InvalidInputException("request for model " + model.label() + " has 0 rows in dimension 0");
    }
    return key.toString();
  }

  @Override
  @SuppressWarnings("unchecked")
  public Object inference(Object preprocessed, Batch<Map<String, Tensor>> batch) {
    List<Group> groups = (List<Group>) preprocessed;
    for (Group g : groups) {
      Map<String, Tensor> in = new LinkedHashMap<>();
      g.stacks.forEach((name, stack) -> in.put(name, stack.tensor()));
      try {
        g.outputs = model.run(in);
      } catch (ServingException e) {
        if (groups.size() == 1) {
          throw e; // the whole batch failed: let the scheduler isolate the cause
        }
        g.items.forEach(i -> batch.fail(i, e));
      }
    }
    return groups;
  }

  @Override
  @SuppressWarnings("unchecked")
  public List<Map<String, Tensor>> postprocess(Object inferred, Batch<Map<String, Tensor>> batch) {
    List<Map<String, Tensor>> results = new ArrayList<>(java.util.Collections.nCopies(batch.size(), null));
    for (Group g : (List<Group>) inferred) {
      if (g.outputs == null) {
        continue;
      }
      TensorStack layout = g.stacks.values().iterator().next();
      for (int k = 0; k < g.items.size(); k++) {
        results.set(g.items.get(k), new LinkedHashMap<>());
      }
      g.outputs.forEach((name, output) -> {
        List<Tensor> parts = layout.split(output);
        for (int k = 0; k < parts.size(); k++) {
          results.get(g.items.get(k)).put(name, parts.get(k));
        }
      });
    }
    return results;
  }

  /** Releases this worker's share of the model. */
  @Override
  public void close() {
    if (model != null) {
      model.close();
    }
  }

  /** Requests of one shape, their stacked inputs and, after inference, the batch outputs. */
  private static final class Group {
    final List<Integer> items;
    final Map<String, TensorStack> stacks;
    Map<String, Tensor> outputs;

    Group(List<Integer> items, Map<String, TensorStack> stacks) {
      this.items = items;
      this.stacks = stacks;
    }
  }
}
