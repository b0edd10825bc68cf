package dev.serving4j.benchmarks;

import dev.serving4j.BatchingMode;
import dev.serving4j.ModelArchive;
import dev.serving4j.ModelServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * How close the batcher gets to the best a scheduler could do, on a synthetic device whose batch of {@code n}
 * costs {@code alpha + beta * n} (GPU-like: alpha = 8 ms, beta = 0.5 ms; the handler parks, so the 2-core CPU is not
 * the limit). At saturation the analytic optimum is {@code workers * maxBatch / (alpha + beta * maxBatch)}: every
 * batch full, no gap between batches. At low load (one caller) the best latency is {@code alpha + beta}: no waiting.
 * Prints a Markdown table with achieved / optimal for both batching modes.
 *
 * <p>Run (about 40 s; {@code --quick} about 5 s):
 * <pre>{@code
 * ./mvnw -q install -DskipTests
 * java -cp benchmarks-jmh/target/benchmarks.jar dev.serving4j.benchmarks.SchedulerEfficiencyBenchmark
 * }</pre>
 */
public final class SchedulerEfficiencyBenchmark {
  static final long ALPHA_NANOS = 8_000_000;
  static final long BETA_NANOS = 500_000;

  private SchedulerEfficiencyBenchmark() {}

  /** Runs the table; {@code --quick} runs one small case briefly. */
  public static void main(String[] args) throws Exception {
    boolean quick = List.of(args).contains("--quick");
    List<int[]> cases = quick ? List.<int[]>of(new int[] {1, 8}) // {workers, maxBatch}
        : List.of(new int[] {1, 1}, new int[] {1, 8}, new int[] {1, 32}, new int[] {2, 16});
    int seconds = quick ? 1 : 3;
    System.out.println("| mode | workers | maxBatch | optimal req/s | achieved req/s | achieved/optimal "
        + "| mean batch | 1-caller p50 ms | best ms | p50/best |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|");
    for (BatchingMode mode : BatchingMode.values()) {
      for (int[] c : cases) {
        System.out.println(row(mode, c[0], c[1], seconds));
      }
    }
  }

  private static String row(BatchingMode mode, int workers, int maxBatch, int seconds) throws Exception {
    Path dir = Files.createTempDirectory("serving4j-efficiency");
    Path archive = ModelArchive.builder("synthetic", "1").handler("synthetic").writeZip(dir.resolve("s.s4j"));
    try (ModelServer server = ModelServer.builder().name("efficiency")
        .handler("synthetic", () -> new SyntheticHandler(ALPHA_NANOS, BETA_NANOS)).build()) {
      server.register(archive, cfg -> cfg.workers(workers).maxBatchSize(maxBatch).batchingMode(mode)
          .maxBatchDelay(Duration.ofMillis(5)).maxQueueSize(100_000));
      double optimal = workers * maxBatch / ((ALPHA_NANOS + BETA_NANOS * maxBatch) / 1e9);
      List<Object> inputs = IntStream.range(0, 1024).<Object>mapToObj(i -> i).toList();
      LoadRunner.Call<Object> call = in -> server.predict("synthetic", in).join();
      int callers = 2 * workers * maxBatch; // enough to refill every batch while the previous one runs
      LoadRunner.closedLoop(inputs, callers, (int) (optimal / 2), call, () -> { }); // warmup
      long before = batches(server);
      long beforeRequests = batchedRequests(server);
      LoadRunner.Outcome saturated = LoadRunner.closedLoop(inputs, callers, (int) (optimal * seconds), call,
          () -> { });
      double meanBatch = (double) (batchedRequests(server) - beforeRequests) / (batches(server) - before);
      LoadRunner.Outcome lone = LoadRunner.closedLoop(inputs, 1, 20 * seconds, call, () -> { });
      double best = (ALPHA_NANOS + BETA_NANOS) / 1e6;
      return String.format(Locale.ROOT, "| %s | %d | %d | %.0f | %.0f | %.3f | %.1f | %.2f | %.2f | %.3f |",
          mode, workers, maxBatch, optimal, saturated.throughput(), saturated.throughput() / optimal, meanBatch,
          lone.latencyMillis(50), best, lone.latencyMillis(50) / best);
    }
  }

  private static long batches(ModelServer server) {
    return server.describe("synthetic").versions().get(0).counts().batches();
  }

  private static long batchedRequests(ModelServer server) {
    return server.describe("synthetic").versions().get(0).counts().batchedRequests();
  }
}
