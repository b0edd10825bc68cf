package dev.serving4j.onnx;

import dev.serving4j.Batch;
import dev.serving4j.Handler;
import dev.serving4j.HandlerContext;
import dev.serving4j.InvalidConfigException;
import dev.serving4j.InvalidInputException;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The built-in {@code embedding} handler: text in, a sentence embedding ({@code float[]}) out, for
 * sentence-transformer models such as all-MiniLM-L6-v2.
 *
 * <p>Each text is tokenized with the archive's Hugging Face {@code tokenizer.json} (special tokens added), the batch is
 * padded to its longest text ({@link PaddedBatch}, pad id 0, with the attention mask), the model runs once, and each
 * text's vector is the mean of its token vectors over the attention mask, optionally L2-normalised. Padding never
 * changes a vector: batched results equal unbatched ones.
 *
 * <p>Model inputs: {@code input_ids} and {@code attention_mask}, and {@code token_type_ids} when the model has it
 * (all int64 {@code [batch, sequence]}). Output: the property {@code output}, else {@code last_hidden_state}, else the
 * first output; {@code [batch, sequence, hidden]} is mean-pooled, {@code [batch, hidden]} is taken as is.
 *
 * <p>Properties: {@code tokenizer} (file in the archive, default {@code tokenizer.json}), {@code maxLength} (default
 * 256 tokens; longer texts are truncated, not rejected, as sentence-transformers does), {@code normalize} (default
 * true), {@code output}. A null, empty or blank text fails alone with an {@link InvalidInputException}.
 *
 * <p>{@link #tokenCount(String)} gives a text's cost in tokens, for cost-aware batching.
 */
public final class EmbeddingHandler implements Handler<String, float[]> {
  private OnnxModel model;
  private TextTokenizer tokenizer;
  private String output;
  private boolean normalize;
  private boolean typeIds;
  private boolean exactCost;
  private int maxLength;

  /** Creates an uninitialized handler. */
  public EmbeddingHandler() {}

  /**
   * Loads the model and tokenizer and checks the model's inputs and output.
   *
   * @throws InvalidConfigException when a property is invalid, the tokenizer is missing, or the model does not look
   *     like a sentence-transformer
   * @throws MissingDependencyException when {@code ai.djl.huggingface:tokenizers} is not on the class path
   */
  @Override
  public void initialize(HandlerContext context) throws IOException {
    int maxLength = context.intProperty("maxLength", 256);
    if (maxLength < 2) {
      throw new InvalidConfigException("handler property 'maxLength' must be >= 2, was " + maxLength);
    }
    normalize = Boolean.parseBoolean(context.property("normalize", "true").trim());
    String cost = context.property("cost", "estimate").trim();
    if (!cost.equals("estimate") && !cost.equals("tokens")) {
      throw new InvalidConfigException("handler property 'cost' must be 'estimate' or 'tokens', was '" + cost + "'");
    }
    exactCost = cost.equals("tokens");
    this.maxLength = maxLength;
    Path file = context.modelDirectory().resolve(context.property("tokenizer", "tokenizer.json"));
    if (!Files.isRegularFile(file)) {
      throw new InvalidConfigException("tokenizer file " + file + " of model " + context.modelName() + " not found"
          + " (handler property 'tokenizer')");
    }
    tokenizer = TextTokenizer.open(file, maxLength, context.modelName()); // before the model: fails fast without it
    model = context.loadModel(OnnxModel.class);
    model.publishLiveTensors(context);
    requireInput("input_ids");
    requireInput("attention_mask");
    typeIds = model.inputs().containsKey("token_type_ids");
    output = context.property("output", model.outputs().containsKey("last_hidden_state") ? "last_hidden_state"
        : model.outputs().keySet().iterator().next());
    TensorSpec out = model.outputs().get(output);
    if (out == null || out.dtype() != DType.FLOAT32 || (out.rank() != 2 && out.rank() != 3)) {
      throw new InvalidConfigException("output '" + output + "' of model " + model.modelName() + " must be float32 "
          + "[batch, sequence, hidden] or [batch, hidden]; outputs are " + model.outputs().values());
    }
  }

  private void requireInput(String name) {
    TensorSpec spec = model.inputs().get(name);
    if (spec == null || spec.dtype() != DType.INT64 || spec.rank() != 2) {
      throw new InvalidConfigException("model " + model.modelName() + " needs an int64 [batch, sequence] input '"
          + name + "' for the embedding handler; its inputs are " + model.inputs().values());
    }
  }

  @Override
  public Class<?> inputType() {
    return String.class;
  }

  /**
   * The number of tokens the model sees for {@code text}: special tokens included, capped at {@code maxLength}. Use
   * it as the request's cost. Callable from any thread once initialized.
   */
  public int tokenCount(String text) {
    return text == null || text.isBlank() ? 0 : tokenizer.encode(text).ids().length;
  }

  /**
   * A text's cost for cost-aware batching ({@code maxBatchCost}), in tokens. With {@code cost=estimate} (the
   * default) it is estimated from the text's length (about four characters per token, plus the two special tokens)
   * without tokenizing: the caller's thread would otherwise tokenize every text twice. Measured on one caller, the
   * exact count made serving4j's p50 1.32x raw ORT's on mixed sentences; the estimate 1.01x. {@code cost=tokens}
   * counts exactly.
   */
  @Override
  public long cost(String text) {
    if (exactCost) {
      return tokenCount(text);
    }
    return text == null ? 0 : Math.min(maxLength, (text.length() + 3) / 4 + 2);
  }

  @Override
  public Object preprocess(Batch<String> batch) {
    List<Integer> items = new ArrayList<>();
    List<Tensor> ids = new ArrayList<>();
    List<Tensor> types = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      String text = batch.input(i);
      if (text == null || text.isBlank()) {
        batch.fail(i, new InvalidInputException("text " + i + " for model " + model.modelName()
            + " is " + (text == null ? "null" : "empty") + "; the embedding handler needs non-blank text"));
        continue;
      }
      TextTokenizer.Tokens enc = tokenizer.encode(text);
      long[] tokenIds = enc.ids();
      items.add(i);
      ids.add(Tensor.of(tokenIds, 1, tokenIds.length));
      types.add(Tensor.of(enc.typeIds(), 1, tokenIds.length));
    }
    if (items.isEmpty()) {
      return new Prepared(items, null, Map.of());
    }
    PaddedBatch padded = PaddedBatch.of(ids, 0);
    Map<String, Tensor> in = new LinkedHashMap<>();
    in.put("input_ids", padded.tensor());
    in.put("attention_mask", padded.mask());
    if (typeIds) {
      in.put("token_type_ids", PaddedBatch.of(types, 0).tensor());
    }
    return new Prepared(items, padded, in);
  }

  @Override
  public Object inference(Object preprocessed, Batch<String> batch) {
    Prepared p = (Prepared) preprocessed;
    if (p.items.isEmpty()) {
      return new Inferred(p, null);
    }
    long[] shape = outputShape(p);
    if (shape == null) {
      return new Inferred(p, model.run(p.inputs).get(output));
    }
    Tensor hidden = Tensor.zeros(DType.FLOAT32, shape); // pinned: ONNX Runtime writes here, no copy out
    model.runInto(p.inputs, Map.of(output, hidden));
    return new Inferred(p, hidden);
  }

  /** The output's shape for this batch when every dimension is known before the run, else null. */
  private long[] outputShape(Prepared p) {
    long[] spec = model.outputs().get(output).shape();
    long[] shape = new long[spec.length];
    shape[0] = p.items.size();
    for (int d = 1; d < spec.length; d++) {
      shape[d] = d == 1 && spec.length == 3 ? p.padded.maxLength() : spec[d];
      if (shape[d] < 0) {
        return null;
      }
    }
    return shape;
  }

  @Override
  public List<float[]> postprocess(Object inferred, Batch<String> batch) {
    List<float[]> results = new ArrayList<>(Collections.nCopies(batch.size(), null));
    Prepared p = ((Inferred) inferred).prepared;
    Tensor hidden = ((Inferred) inferred).hidden;
    if (hidden == null) {
      return results;
    }
    FloatBuffer data = hidden.buffer().asFloatBuffer();
    int hiddenSize = (int) hidden.dim(hidden.rank() - 1);
    int maxLength = hidden.rank() == 3 ? (int) hidden.dim(1) : 1;
    for (int k = 0; k < p.items.size(); k++) {
      int tokens = hidden.rank() == 3 ? p.padded.length(k) : 1;
      float[] v = new float[hiddenSize];
      int base = k * maxLength * hiddenSize;
      for (int t = 0; t < tokens; t++) {
        for (int h = 0; h < hiddenSize; h++) {
          v[h] += data.get(base + t * hiddenSize + h);
        }
      }
      results.set(p.items.get(k), finish(v, tokens));
    }
    return results;
  }

  private float[] finish(float[] sum, int tokens) {
    double norm = 0;
    for (int h = 0; h < sum.length; h++) {
      sum[h] /= tokens;
      norm += (double) sum[h] * sum[h];
    }
    if (normalize && norm > 0) {
      float scale = (float) (1 / Math.sqrt(norm));
      for (int h = 0; h < sum.length; h++) {
        sum[h] *= scale;
      }
    }
    return sum;
  }

  /** Releases the tokenizer and this worker's share of the model. */
  @Override
  public void close() {
    if (tokenizer != null) {
      tokenizer.close();
    }
    if (model != null) {
      model.close();
    }
  }

  /** The texts that run (indices into the batch), their padding, and the model inputs. */
  private record Prepared(List<Integer> items, PaddedBatch padded, Map<String, Tensor> inputs) {}

  /** What inference hands to postprocess: the prepared batch and the model's output. */
  private record Inferred(Prepared prepared, Tensor hidden) {}
}
