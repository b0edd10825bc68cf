package dev.serving4j.benchmarks;

import dev.serving4j.BatchingMode;
import dev.serving4j.ModelArchive;
import dev.serving4j.ModelServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.IntStream;

/**
 * How close the batcher gets to the best a scheduler could do, on synthetic devices whose batch time is a known
 * {@link Curve} of its size and padded cost (the handler parks, so the 2-core CPU is not the limit):
 * <ul>
 *   <li>{@code GPU_LIKE}: 8 ms + 0.5 ms × n. A batch's fixed cost dominates: the best batch is the largest.
 *   <li>{@code CPU_LIKE}: n × 2 ms × (1 + 0.1 × (n − 1)). Per-item time rises with batch size: the best batch is 1.
 *   <li>{@code PADDING}: 1 ms + 0.05 ms × padded cost, inputs of length 8, 16, 32 and 64 in turn. A batch pays for
 *       its longest input: the best batch is full and holds one length.
 * </ul>
 * At saturation the analytic optimum is {@code workers / min over b ≤ maxBatch of (mean over lengths of
 * t(b, length × b) / b)}: every batch of the best size, one length each, no gap between batches. At low load (one
 * caller) the best latency is the mean of t(1, length): no waiting. Prints a Markdown table with achieved / optimal
 * per curve and batching mode. The batcher is given no hint: {@code maxBatchSize} is only an upper bound and there
 * is no {@code maxBatchCost}; in {@code ADAPTIVE} it learns each curve.
 *
 * <p>Two efficiencies: wall-clock ({@code achieved/optimal}: requests per second of real time, which includes this
 * machine's wake-up latency and parking overshoot, a fixed cost per batch the curve does not have) and model time
 * ({@code model-time/optimal}: requests per second of the curve's own batch time, summed over the batches run, per
 * worker; it judges the batch choices alone). With {@code --model-time} the server's {@code Ticker} is each worker's
 * model-time clock, so the batcher learns the exact curve rather than this machine's noise (on a loaded machine the
 * real costs differ from the curve, and the batcher rightly follows the real ones). That mode runs {@code ADAPTIVE}
 * only ({@code FIXED_DELAY}'s delay would be measured on the model clock) and its 1-caller columns mean little.
 *
 * <p>Run (about 3 min; {@code --quick} about 20 s), after {@code ./mvnw -B -ntp -o -pl benchmarks-jmh -am package
 * -DskipTests}:
 * <pre>{@code
 * java -cp benchmarks-jmh/target/benchmarks.jar dev.serving4j.benchmarks.SchedulerEfficiencyBenchmark [--quick] [--model-time] [GPU_LIKE ...]
 * }</pre>
 */
public final class SchedulerEfficiencyBenchmark {
  static final long MS = 1_000_000;
  static final int[] LENGTHS = {8, 16, 32, 64};

  private SchedulerEfficiencyBenchmark() {}

  /** A synthetic device: its batch time and the costs of the inputs sent to it. */
  enum Curve {
    GPU_LIKE(false) {
      @Override
      long nanos(int n, long padded) {
        return 8 * MS + MS / 2 * n;
      }
    },
    CPU_LIKE(false) {
      @Override
      long nanos(int n, long padded) {
        return 2 * MS * n + MS / 5 * n * (n - 1);
      }
    },
    PADDING(true) {
      @Override
      long nanos(int n, long padded) {
        return MS + MS / 20 * padded;
      }
    };

    final boolean costed;

    Curve(boolean costed) {
      this.costed = costed;
    }

    abstract long nanos(int n, long padded);

    int[] lengths() {
      return costed ? LENGTHS : new int[] {1};
    }

    /** Input {@code i}: its own cost when costed (lengths in turn), else just a number. */
    Object input(int i) {
      return costed ? LENGTHS[i % LENGTHS.length] : i;
    }

    double meanNanosPerRequest(int b) {
      double sum = 0;
      for (int length : lengths()) {
        sum += nanos(b, (long) length * b) / (double) b;
      }
      return sum / lengths().length;
    }

    double optimalPerSecond(int workers, int maxBatch) {
      double best = Double.MAX_VALUE;
      for (int b = 1; b <= maxBatch; b++) {
        best = Math.min(best, meanNanosPerRequest(b));
      }
      return workers * 1e9 / best;
    }

    double loneMillis() {
      return meanNanosPerRequest(1) / 1e6;
    }

    SyntheticHandler handler(SyntheticHandler.Curve timed) {
      return costed ? new SyntheticHandler.Costed(timed) : new SyntheticHandler(timed);
    }
  }

  /** Runs the table; {@code --quick} runs one small case per curve briefly; curve names limit it to those. */
  public static void main(String[] args) throws Exception {
    boolean quick = List.of(args).contains("--quick");
    List<int[]> cases = quick ? List.<int[]>of(new int[] {1, 8}) // {workers, maxBatch}
        : List.of(new int[] {1, 1}, new int[] {1, 8}, new int[] {1, 32}, new int[] {2, 16});
    int seconds = quick ? 1 : 3;
    boolean modelTime = List.of(args).contains("--model-time");
    System.out.println("| curve | mode | ticker | workers | maxBatch | optimal req/s | achieved req/s "
        + "| achieved/optimal | req per model-second | model-time/optimal | mean batch | 1-caller mean ms | best ms "
        + "| excess ms |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    List<String> only = List.of(args).stream().filter(a -> !a.startsWith("--")).toList();
    for (Curve curve : Curve.values()) {
      if (!only.isEmpty() && !only.contains(curve.name())) {
        continue;
      }
      for (BatchingMode mode : modelTime ? List.of(BatchingMode.ADAPTIVE) : List.of(BatchingMode.values())) {
        for (int[] c : cases) {
          System.out.println(row(curve, mode, modelTime, c[0], c[1], seconds));
        }
      }
    }
  }

  private static String row(Curve curve, BatchingMode mode, boolean modelTime, int workers, int maxBatch,
      int seconds) throws Exception {
    Path dir = Files.createTempDirectory("serving4j-efficiency");
    Path archive = ModelArchive.builder("synthetic", "1").handler("synthetic").writeZip(dir.resolve("s.s4j"));
    // Model time: each worker thread's own clock, advanced by the curve's exact time of each batch it runs. The
    // batcher learns from it, so its choices are judged against the curve, not against this machine's noise.
    ThreadLocal<long[]> clock = ThreadLocal.withInitial(() -> new long[1]);
    LongAdder busy = new LongAdder();
    SyntheticHandler.Curve timed = (n, padded) -> {
      long nanos = curve.nanos(n, padded);
      clock.get()[0] += nanos;
      busy.add(nanos);
      return nanos;
    };
    ModelServer.Builder builder = ModelServer.builder().name("efficiency")
        .handler("synthetic", () -> curve.handler(timed));
    if (modelTime) {
      builder.ticker(() -> clock.get()[0]);
    }
    try (ModelServer server = builder.build()) {
      // In model time every batch must run on a worker's thread, whose clock it advances: no caller runs one.
      server.register(archive, cfg -> cfg.workers(workers).maxBatchSize(maxBatch).batchingMode(mode)
          .maxBatchDelay(Duration.ofMillis(5)).maxQueueSize(100_000).callerRuns(!modelTime));
      double optimal = curve.optimalPerSecond(workers, maxBatch);
      List<Object> inputs = IntStream.range(0, 1024).mapToObj(curve::input).toList();
      LoadRunner.Call<Object> call = in -> server.predict("synthetic", in).join();
      // Enough callers to refill every batch while the previous one runs, with a full batch of each length queued.
      int callers = 2 * workers * maxBatch * curve.lengths().length;
      LoadRunner.closedLoop(inputs, callers, (int) (optimal / 2), call, () -> { }); // warmup (and learning)
      long before = batches(server);
      long beforeRequests = batchedRequests(server);
      long busyBefore = busy.sum();
      LoadRunner.Outcome saturated = LoadRunner.closedLoop(inputs, callers, (int) (optimal * seconds), call,
          () -> { });
      double perModelSecond = (batchedRequests(server) - beforeRequests) / ((busy.sum() - busyBefore) / 1e9 / workers);
      double meanBatch = (double) (batchedRequests(server) - beforeRequests) / (batches(server) - before);
      LoadRunner.Outcome lone = LoadRunner.closedLoop(inputs, 1, 40 * seconds, call, () -> { });
      double loneMean = lone.latencyMicros().getMean() / 1e3;
      double best = curve.loneMillis();
      return String.format(Locale.ROOT,
          "| %s | %s | %s | %d | %d | %.0f | %.0f | %.3f | %.0f | %.3f | %.1f | %.2f | %.2f | %.2f |", curve, mode,
          modelTime ? "model" : "system", workers, maxBatch, optimal, saturated.throughput(),
          saturated.throughput() / optimal, perModelSecond, perModelSecond / optimal, meanBatch, loneMean, best,
          loneMean - best);
    }
  }

  private static long batches(ModelServer server) {
    return server.describe("synthetic").versions().get(0).counts().batches();
  }

  private static long batchedRequests(ModelServer server) {
    return server.describe("synthetic").versions().get(0).counts().batchedRequests();
  }
}
