package dev.serving4j.benchmarks;

import dev.serving4j.ModelConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Resident memory of one serving layout of MiniLM, measured alone in its own JVM: registers the archive, embeds
 * {@code 400} sentences from 16 threads (so every worker and session has run), then prints the RSS before
 * registration and after the load. Run each layout in a fresh JVM, one after the other:
 *
 * <pre>{@code
 * java -cp benchmarks-jmh/target/benchmarks.jar dev.serving4j.benchmarks.LayoutMemory zero-config
 * java -cp benchmarks-jmh/target/benchmarks.jar dev.serving4j.benchmarks.LayoutMemory one-worker
 * java -cp benchmarks-jmh/target/benchmarks.jar dev.serving4j.benchmarks.LayoutMemory two-workers
 * }</pre>
 *
 * {@code zero-config} is {@code register(archive)} (the elastic layout: a worker per core, a one-thread and a wide
 * session); {@code one-worker} is wave 1's default (one worker, ONNX Runtime's default threads, one session);
 * {@code two-workers} is the hand-tuned layout (two workers sharing a one-thread session).
 */
public final class LayoutMemory {
  private LayoutMemory() {}

  /** Measures the layout named by {@code args[0]}. */
  public static void main(String[] args) throws Exception {
    String layout = args.length == 0 ? "zero-config" : args[0];
    Consumer<ModelConfig.Builder> config = switch (layout) {
      case "zero-config" -> cfg -> { };
      case "one-worker" -> cfg -> cfg.workers(1);
      case "two-workers" -> cfg -> cfg.workers(2).engineOption("intraOpThreads", "1");
      default -> throw new IllegalArgumentException("layout must be zero-config, one-worker or two-workers, was "
          + layout);
    };
    Path dir = MiniLm.defaultDirectory();
    Path archive = MiniLm.FP32.archive(dir);
    List<String> texts = Workload.texts("corpus:mixed");
    System.gc();
    double before = ProcessStats.rssMb();
    try (Serving4jEmbedder embedder = new Serving4jEmbedder(archive, config)) {
      ExecutorService callers = Executors.newFixedThreadPool(16);
      try {
        List<Future<float[]>> done = new java.util.ArrayList<>();
        for (int i = 0; i < 400; i++) {
          String text = texts.get(i % texts.size());
          done.add(callers.submit(() -> embedder.embed(text)));
        }
        for (Future<float[]> f : done) {
          f.get();
        }
      } finally {
        callers.shutdownNow();
      }
      System.gc();
      System.out.printf("%s: RSS %.0f MiB before registering, %.0f MiB after 400 requests (+%.0f MiB)%n", layout,
          before, ProcessStats.rssMb(), ProcessStats.rssMb() - before);
    }
  }
}
