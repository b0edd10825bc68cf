package dev.serving4j.examples;

import dev.serving4j.ModelArchive;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Packages all-MiniLM-L6-v2 as a serving4j archive for the built-in {@code embedding} handler, with no serving
 * configuration at all (see {@code docs/quickstart.md}).
 */
public final class MiniLmArchive {
  /** The model name the archive registers under. */
  public static final String NAME = "minilm";

  /** The model version. */
  public static final String VERSION = "1";

  /*
   * No serving configuration: the archive is served as a new user's would be, with the layout and batching serving4j
   * chooses itself (one worker per core on the elastic ONNX layout, batches chosen by the learned cost model). The
   * demo's flags override it for experiments; docs/tuning.md has the hand-tuned comparison.
   */

  private static final String WARMUP = "Serving models in process avoids a network hop.\n"
      + "Dynamic batching groups concurrent requests into one run of the model.\n";

  private MiniLmArchive() {}

  /** Writes the archive as a {@code .s4j} zip at {@code target} and returns it. */
  public static Path writeZip(MiniLmFiles files, Path target) {
    return ModelArchive.builder(NAME, VERSION)
        .handler("embedding")
        .engine("onnxruntime")
        .modelFile("model.onnx", files.model())
        .file("tokenizer.json", files.tokenizer())
        .warmupFile("warmup/sentences.txt", WARMUP.getBytes(StandardCharsets.UTF_8))
        .handlerProperty("maxLength", "256")
        .description("all-MiniLM-L6-v2 sentence embeddings (384 dimensions), mean pooling, L2-normalised")
        .writeZip(target);
  }
}
