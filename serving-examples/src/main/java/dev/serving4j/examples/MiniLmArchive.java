package dev.serving4j.examples;

import dev.serving4j.ModelArchive;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * Packages all-MiniLM-L6-v2 as a serving4j archive for the built-in {@code embedding} handler, with the serving
 * defaults measured best for the demo on a 2-core CPU (see {@code docs/quickstart.md}).
 */
public final class MiniLmArchive {
  /** The model name the archive registers under. */
  public static final String NAME = "minilm";

  /** The model version. */
  public static final String VERSION = "1";

  /*
   * The defaults suit the demo's load, 64 callers on 2 cores. Measured in one quiet run (3,000 sentences): 2 workers
   * x 1 intra-op thread, batches of up to 8 under a 256-token budget served 0.91x plain ORT's throughput with 0.71x
   * its p99; 1 worker x 2 threads (batches of 16, budget 512) 0.78x with 0.93x. The second layout answers a lone
   * request as fast as plain ORT (one run on both cores); see docs/tuning.md. Without a token budget, batches padded
   * to their longest sentence ran at 0.40x plain ORT (same run, busy machine, batches of 16).
   */

  /** Workers: one per core. */
  public static final int WORKERS = 2;

  /** ORT intra-op threads per worker (the workers share one session). */
  public static final int INTRA_OP_THREADS = 1;

  /** Most requests per batch. */
  public static final int MAX_BATCH_SIZE = 8;

  /** Padded-token budget per batch: batch-mates of similar length, so little is spent on padding. */
  public static final long MAX_BATCH_COST = 256;

  private static final String WARMUP = "Serving models in process avoids a network hop.\n"
      + "Dynamic batching groups concurrent requests into one run of the model.\n";

  private MiniLmArchive() {}

  /** The manifest's {@code config}: only what differs from serving4j's defaults, keyed as in the manifest. */
  public static Map<String, Object> defaultConfig() {
    return Map.of(
        "workers", WORKERS,
        "maxBatchSize", MAX_BATCH_SIZE,
        "maxBatchCost", MAX_BATCH_COST,
        "engineOptions", Map.of("intraOpThreads", INTRA_OP_THREADS));
  }

  /** Writes the archive as a {@code .s4j} zip at {@code target} and returns it. */
  public static Path writeZip(MiniLmFiles files, Path target) {
    return ModelArchive.builder(NAME, VERSION)
        .handler("embedding")
        .engine("onnxruntime")
        .modelFile("model.onnx", files.model())
        .file("tokenizer.json", files.tokenizer())
        .warmupFile("warmup/sentences.txt", WARMUP.getBytes(StandardCharsets.UTF_8))
        .config(defaultConfig())
        .handlerProperty("maxLength", "256")
        .description("all-MiniLM-L6-v2 sentence embeddings (384 dimensions), mean pooling, L2-normalised")
        .writeZip(target);
  }
}
