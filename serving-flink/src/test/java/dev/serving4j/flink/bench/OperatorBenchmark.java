package dev.serving4j.flink.bench;

import dev.serving4j.flink.ArchiveSource;
import dev.serving4j.flink.AsyncPredict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * The same MiniCluster job (parallelism 2) run two ways per workload: serving4j's async operator ({@code async-C},
 * C = the operator's capacity) on the examples' archive with no serving configuration, and a plain
 * {@code RichMapFunction} calling one ONNX Runtime session shared by the JVM's subtasks, one record per run
 * ({@code map}: what a Flink job does without serving4j). Workloads ({@link BenchWorkload}): {@code minilm}
 * (sentence embeddings of the examples' corpus) and {@code ocr-cls} (PaddleOCR's direction classifier on rendered
 * lines as PNG bytes; needs {@code .ci/fetch-ocr-models}). Prints records/s per mode (over the job's net run time,
 * without the MiniCluster's start), the ratio to the map, and, for the async modes, serving4j's mean batch size
 * read from Flink's metrics.
 *
 * <p>Run (after {@code ./mvnw -q install -DskipTests}):
 * {@code ./mvnw -q -pl serving-flink exec:exec -Dexec.args="-classpath %classpath
 * dev.serving4j.flink.bench.OperatorBenchmark --workloads minilm,ocr-cls --records 3000 --rounds 2"}
 * ({@code --capacities 16,64} by default; {@code --sentences} is an older name of {@code --records}). Each mode
 * runs one warm-up job of {@code --warmup} records (300), then the modes take turns for {@code rounds} rounds and
 * each mode's best round counts. Timings are for a quiet machine; docs/flink.md records the figures.
 */
public final class OperatorBenchmark {
  private static final Map<String, BenchWorkload<?, ?>> WORKLOADS = Map.of(
      "minilm", new MiniLmWorkload(), "ocr-cls", new DirectionWorkload());

  private OperatorBenchmark() {}

  /** Runs every mode of every workload named and prints one line per mode. */
  public static void main(String[] args) throws Exception {
    int records = (int) option(args, "--records", option(args, "--sentences", 3000));
    int rounds = (int) option(args, "--rounds", 2);
    int warmup = (int) option(args, "--warmup", 300);
    List<String> modes = new ArrayList<>(List.of("map"));
    for (String c : text(args, "--capacities", "16,64").split(",")) {
      modes.add("async-" + Integer.parseInt(c.trim()));
    }
    Path dir = Files.createTempDirectory("serving4j-flink-bench-");
    System.out.printf("%-8s %-10s %10s %8s %16s%n", "workload", "mode", "records/s", "vs map", "mean batch size");
    for (String name : text(args, "--workloads", "minilm,ocr-cls").split(",")) {
      BenchWorkload<?, ?> workload = WORKLOADS.get(name.trim());
      if (workload == null) {
        throw new IllegalArgumentException("unknown workload '" + name + "'; expected one of " + WORKLOADS.keySet());
      }
      Map<String, Result> best = measure(workload, dir, modes, records, rounds, warmup);
      double map = best.get("map").perSecond();
      best.forEach((mode, r) -> System.out.printf("%-8s %-10s %10.0f %7.2fx %16s%n", workload.name(), mode,
          r.perSecond(), r.perSecond() / map, Double.isNaN(r.meanBatch()) ? "1 (no batching)"
              : String.format("%.2f", r.meanBatch())));
    }
  }

  /** One job's figures: records over net run time, and serving4j's mean batch size (NaN for the map). */
  record Result(double perSecond, double meanBatch) {}

  private static <I, O> Map<String, Result> measure(BenchWorkload<I, O> workload, Path dir, List<String> modes,
      int records, int rounds, int warmup) throws Exception {
    Path archive = workload.archive(Files.createDirectories(dir.resolve(workload.name())));
    List<I> inputs = workload.records(records);
    for (String mode : modes) {
      run(workload, mode, archive, inputs.subList(0, Math.min(warmup, inputs.size())));
    }
    Map<String, Result> best = new LinkedHashMap<>();
    for (int r = 0; r < rounds; r++) {
      for (String mode : modes) {
        Result result = run(workload, mode, archive, inputs);
        best.merge(mode, result, (a, b) -> a.perSecond() >= b.perSecond() ? a : b);
      }
    }
    return best;
  }

  /** Runs one job on a fresh local MiniCluster of parallelism 2: the source, then the model, then a discarding sink. */
  static <I, O> Result run(BenchWorkload<I, O> workload, String mode, Path archive, List<I> records)
      throws Exception {
    InMemoryReporter metrics = InMemoryReporter.createWithRetainedMetrics();
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2,
        metrics.addToConfiguration(new Configuration()));
    DataStream<I> in = env.fromData(records);
    if (mode.equals("map")) {
      in.map(workload.sharedSessionMap()).returns(TypeInformation.of(workload.outputType()))
          .sinkTo(new DiscardingSink<>());
    } else {
      int capacity = Integer.parseInt(mode.substring("async-".length()));
      AsyncPredict.model(ArchiveSource.path(archive), workload.outputType()).capacity(capacity)
          .timeout(Duration.ofMinutes(5)).apply(in).sinkTo(new DiscardingSink<>());
    }
    JobExecutionResult result = env.execute(workload.name() + " " + mode);
    double seconds = result.getNetRuntime(TimeUnit.MILLISECONDS) / 1e3;
    double batch = Double.NaN;
    for (Map.Entry<String, Metric> m : metrics.findMetrics(result.getJobID(), "batch_size").entrySet()) {
      if (m.getKey().endsWith("batch_size.mean")) {
        batch = ((Number) ((Gauge<?>) m.getValue()).getValue()).doubleValue();
      }
    }
    metrics.close();
    return new Result(records.size() / seconds, batch);
  }

  private static double option(String[] args, String name, double fallback) {
    return Double.parseDouble(text(args, name, Double.toString(fallback)));
  }

  private static String text(String[] args, String name, String fallback) {
    int i = Arrays.asList(args).indexOf(name);
    return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
  }
}
