package dev.serving4j.benchmarks;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.Batchifier;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import dev.serving4j.examples.MiniLmFiles;
import java.nio.LongBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The DJL peer: a {@link ZooModel} on DJL's ONNX Runtime engine ({@code ai.djl.onnxruntime:onnxruntime-engine},
 * which runs on the same Maven ORT jar, 1.23.2, and downloads nothing) and one {@link Predictor} per thread, as DJL
 * advises. Tokenization (DJL's Hugging Face tokenizer, the one every other side uses), mean pooling and L2
 * normalisation are the same as {@code DirectOrtEmbedder}'s, so only the runtime path differs.
 *
 * <p>DJL asks ONNX Runtime for an environment with its own global thread options, which fails when another library
 * created the environment first: create this peer before the others in one JVM (JMH forks keep them apart anyway).
 */
final class DjlEmbedder implements Embedder {
  private final HuggingFaceTokenizer tokenizer;
  private final ZooModel<String, float[]> model;
  private final List<Predictor<String, float[]>> predictors = new CopyOnWriteArrayList<>();
  private final ThreadLocal<Predictor<String, float[]>> predictor;

  DjlEmbedder(MiniLmFiles files) throws Exception {
    System.setProperty("ai.djl.offline", "true");
    System.setProperty("offline", "true");
    tokenizer = HuggingFaceTokenizer.newInstance(files.tokenizer(), Map.of("padding", "false",
        "truncation", "true", "maxLength", "256", "addSpecialTokens", "true"));
    try {
      model = Criteria.builder().setTypes(String.class, float[].class)
          .optModelPath(files.model())
          .optEngine("OnnxRuntime")
          .optTranslator(new EmbeddingTranslator(tokenizer))
          .build()
          .loadModel();
    } catch (Exception e) {
      tokenizer.close();
      throw e;
    }
    predictor = ThreadLocal.withInitial(() -> {
      Predictor<String, float[]> p = model.newPredictor();
      predictors.add(p);
      return p;
    });
  }

  @Override
  public float[] embed(String text) throws Exception {
    return predictor.get().predict(text);
  }

  @Override
  public void close() {
    predictors.forEach(Predictor::close);
    model.close();
    tokenizer.close();
  }

  /** Text to the three int64 inputs, and the hidden states back to a pooled, normalised vector. */
  private record EmbeddingTranslator(HuggingFaceTokenizer tokenizer) implements Translator<String, float[]> {
    @Override
    public NDList processInput(TranslatorContext ctx, String text) {
      Encoding encoding = tokenizer.encode(text);
      NDManager manager = ctx.getNDManager();
      Shape shape = new Shape(1, encoding.getIds().length);
      return new NDList(input(manager, "input_ids", encoding.getIds(), shape),
          input(manager, "attention_mask", encoding.getAttentionMask(), shape),
          input(manager, "token_type_ids", encoding.getTypeIds(), shape));
    }

    private static NDArray input(NDManager manager, String name, long[] values, Shape shape) {
      NDArray array = manager.create(LongBuffer.wrap(values), shape, DataType.INT64);
      array.setName(name);
      return array;
    }

    @Override
    public float[] processOutput(TranslatorContext ctx, NDList outputs) {
      NDArray hidden = outputs.contains("last_hidden_state") ? outputs.get("last_hidden_state") : outputs.get(0);
      float[] values = hidden.toFloatArray();
      int dims = (int) hidden.getShape().get(2);
      return Pooling.meanNormalised(values, values.length / dims, dims);
    }

    @Override
    public Batchifier getBatchifier() {
      return null; // one text per call: DJL's own batching would stack unpadded sequences
    }
  }
}
