package dev.serving4j.onnx;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The only place serving-onnx uses the Hugging Face tokenizer, an optional dependency
 * ({@value #ARTIFACT}, which brings DJL's api, JNA, gson and commons-compress): image and tensor users never load it.
 *
 * <p>{@link #open} first checks that the library is on the class path and otherwise throws a
 * {@link MissingDependencyException} naming the artifact. The DJL types live only in the nested {@code Djl} class, so
 * loading and verifying this class never touches the library itself.
 */
final class TextTokenizer implements AutoCloseable {
  /** The Maven coordinates a text model needs. */
  static final String ARTIFACT = "ai.djl.huggingface:tokenizers";
  private static final String ENTRY_CLASS = "ai.djl.huggingface.tokenizers.HuggingFaceTokenizer";

  private final Djl djl;

  private TextTokenizer(Djl djl) {
    this.djl = djl;
  }

  /**
   * Loads {@code file} (a {@code tokenizer.json}): special tokens added, no padding, truncated to {@code maxLength}.
   *
   * @throws MissingDependencyException when {@value #ARTIFACT} (or a library it needs) is not on the class path
   */
  static TextTokenizer open(Path file, int maxLength, String modelName) throws IOException {
    try {
      Class.forName(ENTRY_CLASS, false, TextTokenizer.class.getClassLoader());
      return new TextTokenizer(Djl.open(file, maxLength));
    } catch (ClassNotFoundException | NoClassDefFoundError e) {
      throw new MissingDependencyException(ARTIFACT, "model " + modelName + " uses the embedding handler, which"
          + " needs " + ARTIFACT + " on the class path (serving-onnx declares it optional); add that dependency,"
          + " its version is managed by serving-bom (missing: " + e.getMessage() + ")", e);
    }
  }

  /** Token ids and type ids of one text. */
  record Tokens(long[] ids, long[] typeIds) {}

  /** Tokenizes one text; callable from any thread. */
  Tokens encode(String text) {
    return djl.encode(text);
  }

  @Override
  public void close() {
    djl.tokenizer.close();
  }

  /** Holds the DJL types, loaded only once {@link #open} has seen the library. */
  private record Djl(HuggingFaceTokenizer tokenizer) {
    static Djl open(Path file, int maxLength) throws IOException {
      return new Djl(HuggingFaceTokenizer.newInstance(file, Map.of("padding", "false", "truncation", "true",
          "maxLength", Integer.toString(maxLength), "addSpecialTokens", "true")));
    }

    Tokens encode(String text) {
      Encoding encoding = tokenizer.encode(text);
      return new Tokens(encoding.getIds(), encoding.getTypeIds());
    }
  }
}
