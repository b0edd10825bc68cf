package dev.serving4j.examples;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Map;

/**
 * The baseline serving4j is compared with: what an application does without it. One ONNX Runtime session shared by
 * every thread (ORT's {@code run} is thread-safe), default session options, one request per run, no batching,
 * no queue. Tokenization, mean pooling and L2 normalisation are the same as the built-in {@code embedding} handler,
 * so the vectors must agree; the tests also use it as the unbatched reference.
 */
public final class DirectOrtEmbedder implements AutoCloseable {
  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final HuggingFaceTokenizer tokenizer;
  private final OrtSession session;

  /**
   * Opens a session on the model and loads the tokenizer.
   *
   * @throws OrtException when ONNX Runtime cannot load the model
   * @throws IOException when the tokenizer cannot be read
   */
  public DirectOrtEmbedder(MiniLmFiles files) throws OrtException, IOException {
    tokenizer = HuggingFaceTokenizer.newInstance(files.tokenizer(), Map.of("padding", "false",
        "truncation", "true", "maxLength", "256", "addSpecialTokens", "true"));
    try {
      session = env.createSession(files.model().toString(), new OrtSession.SessionOptions());
    } catch (OrtException e) {
      tokenizer.close();
      throw e;
    }
  }

  /** Embeds one text in one run: mean of the token vectors, L2-normalised. Thread-safe. */
  public float[] embed(String text) throws OrtException {
    Encoding encoding = tokenizer.encode(text);
    long[] shape = {1, encoding.getIds().length};
    try (OnnxTensor ids = OnnxTensor.createTensor(env, LongBuffer.wrap(encoding.getIds()), shape);
        OnnxTensor mask = OnnxTensor.createTensor(env, LongBuffer.wrap(encoding.getAttentionMask()), shape);
        OnnxTensor types = OnnxTensor.createTensor(env, LongBuffer.wrap(encoding.getTypeIds()), shape);
        OrtSession.Result result = session.run(Map.of("input_ids", ids, "attention_mask", mask,
            "token_type_ids", types))) {
      OnnxTensor hidden = (OnnxTensor) result.get("last_hidden_state")
          .orElseThrow(() -> new IllegalStateException("model has no output 'last_hidden_state'"));
      return meanPoolAndNormalise(hidden.getFloatBuffer(), (int) shape[1]);
    }
  }

  private static float[] meanPoolAndNormalise(FloatBuffer hidden, int tokens) {
    float[] v = new float[hidden.remaining() / tokens];
    for (int t = 0; t < tokens; t++) {
      for (int h = 0; h < v.length; h++) {
        v[h] += hidden.get(t * v.length + h);
      }
    }
    double norm = 0;
    for (float x : v) {
      norm += (double) x * x;
    }
    float scale = (float) (1 / Math.sqrt(norm)); // the mean's 1/tokens cancels in the normalisation
    for (int h = 0; h < v.length; h++) {
      v[h] *= scale;
    }
    return v;
  }

  /** Closes the session and the tokenizer. */
  @Override
  public void close() throws OrtException {
    try {
      session.close();
    } finally {
      tokenizer.close();
    }
  }
}
