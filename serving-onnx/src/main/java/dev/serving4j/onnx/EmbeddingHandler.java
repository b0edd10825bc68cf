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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The built-in {@code embedding} handler: text in, a sentence embedding ({@code float[]}) out, for
 * sentence-transformer models such as all-MiniLM-L6-v2.
 *
 * <p>Each text is tokenized with the archive's Hugging Face {@code tokenizer.json} (special tokens added) in
 * {@link #prepare}, on the caller's thread, so tokenizing runs in parallel with other batches' model runs; the batch is
 * padded to its longest text ({@link PaddedBatch}, pad id 0, with the attention mask), the model runs once, and each
 * text's vector is the mean of its token vectors over the attention mask, optionally L2-normalised. Padding never
 * changes a vector: batched results equal unbatched ones.
 *
 * <p>Model inputs: {@code input_ids} and {@code attention_mask}, and {@code token_type_ids} (zeros: one sequence per
 * text) when the model has it (all int64 {@code [batch, sequence]}). Output: the property {@code output}, else {@code last_hidden_state}, else the
 * first output; {@code [batch, sequence, hidden]} is mean-pooled, {@code [batch, hidden]} is taken as is.
 *
 * <p>Properties: {@code tokenizer} (file in the archive, default {@code tokenizer.json}), {@code maxLength} (default
 * 256 tokens; longer texts are truncated, not rejected, as sentence-transformers does), {@code normalize} (default
 * true), {@code output}. A null, empty or blank text fails alone, before it is queued, with an
 * {@link InvalidInputException}.
 *
 * <p>A request's cost for cost-aware batching is its exact token count, known for free once {@code prepare} has
 * tokenized it.
 */
public final class EmbeddingHandler implements Handler<String, float[]> {
  private OnnxModel model;
  private TextTokenizer tokenizer;
  private String output;
  private boolean normalize;
  private boolean typeIds;
  private int maxLength;
  private String label;

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
    this.maxLength = maxLength;
    label = context.modelName() + ":" + context.modelVersion();
    Path file = context.archiveFile("tokenizer", "tokenizer.json");
    if (!Files.isRegularFile(file)) {
      throw new InvalidConfigException("tokenizer file " + file + " of model " + context.modelName() + " not found"
          + " (handler property 'tokenizer')");
    }
    tokenizer = TextTokenizer.open(file, maxLength, context.modelName()); // before the model: fails fast without it
    if (context.forScheduling()) {
      return; // this instance only prepares requests on callers' threads: it needs the tokenizer, not the model
    }
    model = context.loadModel(OnnxModel.class);
    model.publishLiveTensors(context);
    requireInput("input_ids");
    requireInput("attention_mask");
    typeIds = model.inputs().containsKey("token_type_ids");
    output = context.property("output", model.outputs().containsKey("last_hidden_state") ? "last_hidden_state"
        : model.outputs().keySet().iterator().next());
    TensorSpec out = model.outputs().get(output);
    if (out == null || out.dtype() != DType.FLOAT32 || (out.rank() != 2 && out.rank() != 3)) {
      throw new InvalidConfigException("output '" + output + "' of model " + model.label() + " must be float32 "
          + "[batch, sequence, hidden] or [batch, hidden]; outputs are " + model.outputs().values());
    }
  }

  private void requireInput(String name) {
    TensorSpec spec = model.inputs().get(name);
    if (spec == null || spec.dtype() != DType.INT64 || spec.rank() != 2) {
      throw new InvalidConfigException("model " + model.label() + " needs an int64 [batch, sequence] input '"
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
   * Tokenizes one text on the caller's thread: its token ids as a {@code [1, tokens]} tensor.
   *
   * @throws InvalidInputException when the text is null, empty or blank
   */
  @Override
  public Object prepare(String text) {
    if (text == null || text.isBlank()) {
      throw new InvalidInputException("model " + label + ": the text is " + (text == null ? "null" : "empty")
          + "; the embedding handler needs non-blank text");
    }
    long[] ids = tokenizer.encode(text).ids();
    return Tensor.of(ids, 1, ids.length);
  }

  /** A text's cost for cost-aware batching: its exact token count, from {@link #prepare}. */
  @Override
  public long cost(String text, Object prepared) {
    return ((Tensor) prepared).dim(1);
  }

  /** Stacks the prepared token ids, padded to the longest, with the attention mask. */
  @Override
  public Object preprocess(Batch<String> batch) {
    List<Tensor> ids = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      ids.add((Tensor) batch.prepared(i));
    }
    PaddedBatch padded = PaddedBatch.of(ids, 0);
    Map<String, Tensor> in = new LinkedHashMap<>();
    in.put("input_ids", padded.tensor());
    in.put("attention_mask", padded.mask());
    if (typeIds) {
      in.put("token_type_ids", Tensor.zeros(DType.INT64, padded.tensor().shape()));
    }
    return new Prepared(padded, in);
  }

  @Override
  public Object inference(Object preprocessed, Batch<String> batch) {
    Prepared p = (Prepared) preprocessed;
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
    shape[0] = p.padded.size();
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
    List<float[]> results = new ArrayList<>(batch.size());
    Prepared p = ((Inferred) inferred).prepared;
    Tensor hidden = ((Inferred) inferred).hidden;
    FloatBuffer data = hidden.buffer().asFloatBuffer();
    int hiddenSize = (int) hidden.dim(hidden.rank() - 1);
    int maxLength = hidden.rank() == 3 ? (int) hidden.dim(1) : 1;
    for (int k = 0; k < p.padded.size(); k++) {
      int tokens = hidden.rank() == 3 ? p.padded.length(k) : 1;
      float[] v = new float[hiddenSize];
      int base = k * maxLength * hiddenSize;
      for (int t = 0; t < tokens; t++) {
        for (int h = 0; h < hiddenSize; h++) {
          v[h] += data.get(base + t * hiddenSize + h);
        }
      }
      results.add(finish(v, tokens));
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

  /** The batch's padding and the model inputs. */
  private record Prepared(PaddedBatch padded, Map<String, Tensor> inputs) {}

  /** What inference hands to postprocess: the prepared batch and the model's output. */
  private record Inferred(Prepared prepared, Tensor hidden) {}
}
