package dev.serving4j.onnx;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * all-MiniLM-L6-v2 from the langchain4j Maven jar, copied to a directory as an archive would hold it, plus a plain
 * reference: one unbatched ONNX Runtime run per sentence with ORT's own array API, mean pooling and L2 norm.
 */
final class MiniLm implements AutoCloseable {
  static final String MODEL = "model.onnx";
  static final String TOKENIZER = "tokenizer.json";

  static final String[] SENTENCES = {
      "The cat sat on the mat.",
      "A quick brown fox jumps over the lazy dog while the farmer watches from the porch.",
      "Serving models in process avoids a network hop.",
      "Dynamic batching groups concurrent requests into one run of the model.",
      "Paris is the capital of France.",
      "I like green tea.",
      "The stock market fell sharply on Tuesday after the central bank raised interest rates by half a point, "
          + "surprising analysts who had expected a smaller move.",
      "Rain.",
  };

  final Path dir;
  private final HuggingFaceTokenizer tokenizer;
  private final OrtSession session;

  MiniLm(Path dir) throws Exception {
    this.dir = dir;
    copy("/all-minilm-l6-v2.onnx", dir.resolve(MODEL));
    copy("/all-minilm-l6-v2-tokenizer.json", dir.resolve(TOKENIZER));
    tokenizer = HuggingFaceTokenizer.newInstance(dir.resolve(TOKENIZER), Map.of("padding", "false",
        "truncation", "true", "maxLength", "256"));
    session = OrtEnvironment.getEnvironment().createSession(dir.resolve(MODEL).toString());
  }

  private static void copy(String resource, Path target) {
    if (Files.exists(target)) {
      return;
    }
    // the class loader, not the class: on the module path a Class only sees its own module's resources
    try (InputStream in = MiniLm.class.getClassLoader().getResourceAsStream(resource.substring(1))) {
      if (in == null) {
        throw new IllegalStateException(resource + " not on the test class path (langchain4j MiniLM jar)");
      }
      Files.copy(in, target);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The reference vector: one sentence, one run, no padding. */
  float[] embed(String text) throws Exception {
    Encoding enc = tokenizer.encode(text);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OnnxTensor ids = OnnxTensor.createTensor(env, new long[][] {enc.getIds()});
        OnnxTensor mask = OnnxTensor.createTensor(env, new long[][] {enc.getAttentionMask()});
        OnnxTensor types = OnnxTensor.createTensor(env, new long[][] {enc.getTypeIds()});
        OrtSession.Result r = session.run(Map.of("input_ids", ids, "attention_mask", mask,
            "token_type_ids", types))) {
      float[][] hidden = ((float[][][]) r.get(0).getValue())[0];
      float[] v = new float[hidden[0].length];
      for (float[] token : hidden) {
        for (int h = 0; h < v.length; h++) {
          v[h] += token[h] / hidden.length;
        }
      }
      double norm = 0;
      for (float x : v) {
        norm += x * x;
      }
      for (int h = 0; h < v.length; h++) {
        v[h] /= (float) Math.sqrt(norm);
      }
      return v;
    }
  }

  static double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }

  @Override
  public void close() throws Exception {
    session.close();
    tokenizer.close();
  }
}
