package dev.serving4j.examples;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.serving4j.Batch;
import dev.serving4j.Handler;
import dev.serving4j.HandlerContext;
import dev.serving4j.InvalidConfigException;
import dev.serving4j.InvalidInputException;
import dev.serving4j.onnx.OnnxModel;
import dev.serving4j.onnx.PaddedBatch;
import dev.serving4j.onnx.Tensor;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A custom handler: near-duplicate detection with a sentence-embedding model (all-MiniLM-L6-v2). Each request is a
 * pair of texts; the answer is their cosine similarity and whether it reaches the duplicate threshold.
 *
 * <p>The four stages on a batch of {@code n} pairs:
 * <ul>
 *   <li>{@link #initialize}: reads the handler properties, loads the tokenizer from the archive and the model
 *       through the manifest's engine;
 *   <li>{@link #preprocess}: checks each pair (an empty or over-long text fails that pair alone with an
 *       {@link InvalidInputException}), tokenizes the rest and pads all their texts into one {@code [2n, longest]}
 *       batch;
 *   <li>{@link #inference}: one model run for the whole batch;
 *   <li>{@link #postprocess}: mean-pools each text's token vectors and compares the two texts of each pair.
 * </ul>
 *
 * <p>Handler properties (manifest {@code handlerProperties}, overridable in the model's config):
 * {@code maxWords} (default 128: longer texts are rejected rather than silently truncated, since a duplicate
 * verdict on half a document would mislead), {@code threshold} (default 0.9, in (0, 1]) and {@code tokenizer}
 * (default {@code tokenizer.json}).
 *
 * <p>One instance per worker, only ever called from that worker's thread: no synchronization needed.
 */
public final class DuplicateDetector implements Handler<DuplicateDetector.TextPair, DuplicateDetector.Verdict> {
  private OnnxModel model;
  private HuggingFaceTokenizer tokenizer;
  private String modelLabel;
  private int maxWords;
  private double threshold;

  /**
   * Two texts to compare.
   *
   * @param first one text
   * @param second the other
   */
  public record TextPair(String first, String second) {}

  /**
   * The answer for one pair.
   *
   * @param similarity cosine similarity of the two texts' embeddings, -1..1
   * @param duplicate true when {@code similarity} reaches the handler's threshold
   */
  public record Verdict(double similarity, boolean duplicate) {}

  /** Creates an uninitialized handler; serving4j calls this once per worker. */
  public DuplicateDetector() {}

  @Override
  public void initialize(HandlerContext context) throws IOException {
    modelLabel = "model " + context.modelName() + ":" + context.modelVersion();
    maxWords = context.intProperty("maxWords", 128);
    if (maxWords < 1) {
      throw new InvalidConfigException("handler property 'maxWords' of " + modelLabel + " must be >= 1, was "
          + maxWords);
    }
    threshold = doubleProperty(context, "threshold", 0.9);
    if (!(threshold > 0 && threshold <= 1)) {
      throw new InvalidConfigException("handler property 'threshold' of " + modelLabel + " must be in (0, 1], was "
          + threshold);
    }
    Path file = context.archiveFile("tokenizer", "tokenizer.json");
    if (!Files.isRegularFile(file)) {
      throw new InvalidConfigException("tokenizer " + file + " of " + modelLabel + " not found (property "
          + "'tokenizer')");
    }
    tokenizer = HuggingFaceTokenizer.newInstance(file, Map.of("padding", "false", "truncation", "true",
        "maxLength", "512", "addSpecialTokens", "true"));
    model = context.loadModel(OnnxModel.class);
  }

  private double doubleProperty(HandlerContext context, String key, double defaultValue) {
    String value = context.property(key, Double.toString(defaultValue));
    try {
      return Double.parseDouble(value.trim());
    } catch (NumberFormatException e) {
      throw new InvalidConfigException("handler property '" + key + "' of " + modelLabel + " must be a number, "
          + "was '" + value + "'");
    }
  }

  @Override
  public Class<?> inputType() {
    return TextPair.class;
  }

  @Override
  public Object preprocess(Batch<TextPair> batch) {
    List<Integer> pairs = new ArrayList<>();
    List<Tensor> ids = new ArrayList<>();
    List<Tensor> types = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      String problem = problem(batch.input(i));
      if (problem != null) {
        batch.fail(i, new InvalidInputException("pair " + i + " for " + modelLabel + ": " + problem));
        continue;
      }
      pairs.add(i);
      for (String text : List.of(batch.input(i).first(), batch.input(i).second())) {
        Encoding encoding = tokenizer.encode(text);
        ids.add(Tensor.of(encoding.getIds(), 1, encoding.getIds().length));
        types.add(Tensor.of(encoding.getTypeIds(), 1, encoding.getTypeIds().length));
      }
    }
    if (pairs.isEmpty()) {
      return new Prepared(pairs, null, Map.of());
    }
    PaddedBatch padded = PaddedBatch.of(ids, 0);
    return new Prepared(pairs, padded, Map.of("input_ids", padded.tensor(), "attention_mask", padded.mask(),
        "token_type_ids", PaddedBatch.of(types, 0).tensor()));
  }

  /** Why {@code pair} cannot be scored, or null when it can. */
  private String problem(TextPair pair) {
    if (pair == null || pair.first() == null || pair.second() == null) {
      return "a pair needs two texts, got " + pair;
    }
    String[] texts = {pair.first(), pair.second()};
    for (int t = 0; t < texts.length; t++) {
      String which = t == 0 ? "first" : "second";
      if (texts[t].isBlank()) {
        return "the " + which + " text is empty";
      }
      int words = texts[t].trim().split("\\s+").length;
      if (words > maxWords) {
        return "the " + which + " text has " + words + " words, more than maxWords=" + maxWords;
      }
    }
    return null;
  }

  @Override
  public Object inference(Object preprocessed, Batch<TextPair> batch) {
    Prepared p = (Prepared) preprocessed;
    return new Inferred(p, p.pairs().isEmpty() ? null : model.run(p.inputs()).get("last_hidden_state"));
  }

  @Override
  public List<Verdict> postprocess(Object inferred, Batch<TextPair> batch) {
    Inferred result = (Inferred) inferred;
    List<Verdict> verdicts = new ArrayList<>(Collections.nCopies(batch.size(), null));
    for (int k = 0; k < result.prepared().pairs().size(); k++) {
      double similarity = SemanticSearch.cosine(meanPool(result, 2 * k), meanPool(result, 2 * k + 1));
      verdicts.set(result.prepared().pairs().get(k), new Verdict(similarity, similarity >= threshold));
    }
    return verdicts;
  }

  /** The mean of text {@code row}'s token vectors over its real (unpadded) tokens. */
  private static float[] meanPool(Inferred result, int row) {
    Tensor hidden = result.hidden();
    FloatBuffer data = hidden.buffer().asFloatBuffer();
    int longest = (int) hidden.dim(1);
    int size = (int) hidden.dim(2);
    int tokens = result.prepared().padded().length(row);
    float[] v = new float[size];
    for (int t = 0; t < tokens; t++) {
      for (int h = 0; h < size; h++) {
        v[h] += data.get((row * longest + t) * size + h) / tokens;
      }
    }
    return v;
  }

  /** Releases the tokenizer and this worker's share of the model; safe after a failed initialize. */
  @Override
  public void close() {
    if (tokenizer != null) {
      tokenizer.close();
    }
    if (model != null) {
      model.close();
    }
  }

  /** The pairs that run (indices into the batch; texts 2k and 2k+1 of the padded batch), and the model inputs. */
  private record Prepared(List<Integer> pairs, PaddedBatch padded, Map<String, Tensor> inputs) {}

  /** What inference hands to postprocess. */
  private record Inferred(Prepared prepared, Tensor hidden) {}
}
