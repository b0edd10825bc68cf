package dev.serving4j.benchmarks;

import dev.serving4j.ModelArchive;
import dev.serving4j.ModelClient;
import dev.serving4j.ModelDescription;
import dev.serving4j.ModelServer;
import dev.serving4j.PredictOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.stream.IntStream;

/**
 * SLA mode against plain {@code ADAPTIVE} batching on an open-loop load above capacity: Poisson arrivals at
 * {@code overload} × the measured capacity, every request carrying a deadline equal to the SLA
 * ({@code PredictOptions.ofTimeout}). Goodput is the answers within the SLA per second; the ratio of SLA mode's
 * ({@code latencyTarget} = the SLA: early drop of requests predicted to miss, batches sized to keep the oldest on
 * time) to plain {@code ADAPTIVE}'s (the same deadlines, expired requests dropped only once past them) is the figure.
 *
 * <p>Workloads: {@code synthetic} is {@link SchedulerEfficiencyBenchmark}'s GPU-like device (8 ms + 0.5 ms × n per
 * batch, parked, so the shared 2-core CPU is not the limit and the curve is known); {@code minilm} is the quantized
 * all-MiniLM-L6-v2 on the mixed sentences, on the CPU. Capacity is measured first in the same run (a closed loop
 * deep enough to fill batches, on plain {@code ADAPTIVE}); then each round runs both modes, alternating, each on a
 * fresh server warmed the same way so both have learned the cost model. One Markdown row per mode and round.
 *
 * <p>Run after {@code ./mvnw -B -ntp -o -pl benchmarks-jmh -am package -DskipTests} (about 1 min per workload):
 * <pre>{@code
 * java -cp benchmarks-jmh/target/benchmarks.jar dev.serving4j.benchmarks.GoodputBenchmark \
 *     [synthetic|minilm] [--sla 50ms] [--overload 1.5] [--seconds 8] [--rounds 2]
 * }</pre>
 */
public final class GoodputBenchmark {
  private static final ExecutorService CALLERS = LoadRunner.blockingPool();

  private GoodputBenchmark() {}

  /** The run's settings, from the command line. */
  private record Settings(String workload, Duration sla, double overload, int seconds, int rounds) {
    static Settings parse(List<String> args) {
      String workload = args.stream().filter(a -> !a.startsWith("--") && !isValue(args, a)).findFirst()
          .orElse("synthetic");
      if (!workload.equals("synthetic") && !workload.equals("minilm")) {
        throw new IllegalArgumentException("workload must be 'synthetic' or 'minilm', was '" + workload + "'");
      }
      Duration sla = BenchPlan.parseDuration("--sla", value(args, "--sla", workload.equals("minilm") ? "100ms"
          : "50ms"));
      return new Settings(workload, sla, Double.parseDouble(value(args, "--overload", "1.5")),
          Integer.parseInt(value(args, "--seconds", "8")), Integer.parseInt(value(args, "--rounds", "2")));
    }

    private static boolean isValue(List<String> args, String a) {
      int i = args.indexOf(a);
      return i > 0 && args.get(i - 1).startsWith("--");
    }

    private static String value(List<String> args, String name, String fallback) {
      int i = args.indexOf(name);
      return i >= 0 && i + 1 < args.size() ? args.get(i + 1) : fallback;
    }
  }

  /** Runs the comparison and prints its table. */
  public static void main(String[] args) throws Exception {
    Settings s = Settings.parse(List.of(args));
    Setup w = s.workload().equals("minilm") ? minilm() : synthetic();
    double capacity = capacity(w);
    double rate = s.overload() * capacity;
    System.out.printf(Locale.ROOT, "%s: capacity %.0f req/s (closed loop, %d callers, plain ADAPTIVE); offered "
        + "%.0f req/s (%.2fx), Poisson; SLA and every request's deadline %d ms%n%n", w.name(), capacity,
        w.callers(), rate, s.overload(), s.sla().toMillis());
    System.out.println("| round | mode | offered req/s | answered req/s | goodput req/s | answered late | "
        + "failed (dropped or expired) | p99 of answers ms | mean batch |");
    System.out.println("|---|---|---|---|---|---|---|---|---|");
    List<Double> ratios = new ArrayList<>();
    for (int round = 1; round <= s.rounds(); round++) {
      double plain = row(w, s, round, rate, false);
      double sla = row(w, s, round, rate, true);
      ratios.add(sla / plain);
    }
    System.out.printf(Locale.ROOT, "%ngoodput, SLA mode / plain ADAPTIVE, per round: %s%n", ratios.stream()
        .map(r -> String.format(Locale.ROOT, "%.2f", r)).toList());
    LoadRunner.shutdown(CALLERS);
  }

  /**
   * One workload: its archive and handler, its inputs, its serving settings.
   *
   * @param name the name printed
   * @param server a fresh server builder with the workload's handler, if it is not built in
   * @param archive the archive to register
   * @param inputs what to send
   * @param workers workers
   * @param maxBatchSize the batch size bound
   * @param callers closed-loop callers that saturate it (capacity and warm-up)
   */
  private record Setup(String name, java.util.function.Supplier<ModelServer.Builder> server, Path archive,
      List<Object> inputs, int workers, int maxBatchSize, int callers) {}

  private static Setup synthetic() throws Exception {
    Path dir = Files.createTempDirectory("serving4j-goodput");
    Path archive = ModelArchive.builder("synthetic", "1").handler("synthetic").writeZip(dir.resolve("s.s4j"));
    SchedulerEfficiencyBenchmark.Curve curve = SchedulerEfficiencyBenchmark.Curve.GPU_LIKE;
    return new Setup("synthetic GPU-like (8 ms + 0.5 ms x n per batch, 1 worker, maxBatchSize 16)",
        () -> ModelServer.builder().name("goodput").handler("synthetic", () -> curve.handler(curve::nanos)),
        archive, IntStream.range(0, 1024).mapToObj(curve::input).toList(), 1, 16, 64);
  }

  private static Setup minilm() {
    Path archive = MiniLm.QUANTIZED.archive(MiniLm.defaultDirectory());
    List<Object> inputs = InputSet.read(Workload.MIXED, type -> type == String.class);
    return new Setup("MiniLM quantized, mixed sentences (2 workers x 1 thread, maxBatchSize 32, maxBatchCost 512)",
        () -> ModelServer.builder().name("goodput"), archive, inputs, 2, 32, 32);
  }

  /** Saturated closed-loop throughput on plain ADAPTIVE, after a warm-up that lets it learn the costs. */
  private static double capacity(Setup w) throws Exception {
    try (ModelServer server = serve(w, Duration.ZERO)) {
      ModelClient<Object, Object> client = server.client(name(w), Object.class, Object.class);
      LoadRunner.Call<Object> call = in -> client.predict(in).join();
      LoadRunner.closedLoop(w.inputs(), w.callers(), 20 * w.callers(), call, () -> { });
      return LoadRunner.closedLoop(w.inputs(), w.callers(), 60 * w.callers(), call, () -> { }).throughput();
    }
  }

  /** One mode for one round: a fresh server, warmed, then the open-loop load; prints the row, returns goodput. */
  private static double row(Setup w, Settings s, int round, double rate, boolean slaMode) throws Exception {
    try (ModelServer server = serve(w, slaMode ? s.sla() : Duration.ZERO)) {
      ModelClient<Object, Object> client = server.client(name(w), Object.class, Object.class);
      LoadRunner.closedLoop(w.inputs(), w.callers(), 20 * w.callers(), in -> client.predict(in).join(), () -> { });
      ModelDescription.Counts before = counts(server, w);
      PredictOptions deadline = PredictOptions.ofTimeout(s.sla());
      // Each arrival is its own caller: the call (which tokenizes, for MiniLM) runs off the sender's thread, so the
      // sender keeps to the Poisson schedule.
      LoadRunner.Outcome o = LoadRunner.openLoop(w.inputs(), rate, (int) (rate * s.seconds()),
          in -> CompletableFuture.supplyAsync(() -> client.predict(in, deadline), CALLERS).thenCompose(f -> f),
          () -> { }, 42 + round);
      ModelDescription.Counts after = counts(server, w);
      double slaMillis = s.sla().toNanos() / 1e6;
      double goodput = o.goodput(slaMillis);
      long answered = o.latencyMicros().getTotalCount();
      long late = answered - o.latencyMicros().getCountBetweenValues(0, (long) (slaMillis * 1e3));
      double meanBatch = (double) (after.batchedRequests() - before.batchedRequests())
          / Math.max(1, after.batches() - before.batches());
      System.out.printf(Locale.ROOT, "| %d | %s | %.0f | %.0f | **%.0f** | %d | %d (%d expired) | %.1f | %.1f |%n",
          round, slaMode ? "SLA mode (latencyTarget " + s.sla().toMillis() + " ms)" : "plain ADAPTIVE", rate,
          o.throughput(), goodput, late, o.errors(), after.expired() - before.expired(), o.latencyMillis(99),
          meanBatch);
      return goodput;
    }
  }

  private static ModelServer serve(Setup w, Duration latencyTarget) {
    ModelServer server = w.server().get().build();
    server.register(w.archive(), cfg -> {
      cfg.workers(w.workers()).maxBatchSize(w.maxBatchSize()).maxQueueSize(1_000_000).latencyTarget(latencyTarget);
      if (w.name().startsWith("MiniLM")) {
        cfg.maxBatchCost(512).engineOption("intraOpThreads", "1");
      }
    });
    return server;
  }

  private static String name(Setup w) {
    return w.name().startsWith("MiniLM") ? MiniLm.NAME : "synthetic";
  }

  private static ModelDescription.Counts counts(ModelServer server, Setup w) {
    return server.describe(name(w)).versions().get(0).counts();
  }
}
