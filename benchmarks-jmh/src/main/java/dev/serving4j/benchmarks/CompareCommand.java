package dev.serving4j.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * serving4j and the peers side by side in one JVM, interleaved, on the same inputs and the same closed-loop
 * clients: for each workload, every implementation is opened and warmed, then each client count runs in rounds that
 * take the implementations in turn, and each implementation's rounds are merged. Writes {@code compare.csv} and
 * {@code compare.md} with serving4j's ratios to each peer. DJL goes first because it must create ONNX Runtime's
 * environment itself (see {@link DjlEmbedder}).
 *
 * <pre>{@code
 * java -cp benchmarks-jmh/target/benchmarks.jar dev.serving4j.benchmarks.BenchTool compare \
 *     --workloads corpus:mixed,corpus:short --concurrency 1,64 --requests 1500 --out docs/benchmarks/compare
 * java -cp benchmarks-jmh/target/benchmarks.jar dev.serving4j.benchmarks.BenchTool compare \
 *     --workloads corpus:mixed,corpus:short,ocr:cls,ocr:rec --concurrency 1,16,64 \
 *     --implementations SERVING4J_ZERO_CONFIG,RAW_ORT,SERVING4J_TWO_WORKERS --out docs/benchmarks/compare-issue14
 * }</pre>
 *
 * <p>Workloads: {@code corpus:mixed}, {@code corpus:short} or a text file (fp32 MiniLM, every implementation), and
 * {@code ocr:cls} / {@code ocr:rec} ({@link OcrWorkload}: rendered lines through PaddleOCR's direction classifier
 * and text recognizer, with the example handlers). On the OCR workloads only three implementations take part:
 * {@code SERVING4J_ZERO_CONFIG} (the archive registered with no config), {@code RAW_ORT} (one shared session,
 * default options, each caller preprocessing its own line with the handler's preprocessor, one request per run) and
 * {@code SERVING4J_TWO_WORKERS} (2 workers x 1 intra-op thread, batches of up to 8 for the classifier, 1 for the
 * recognizer); the others are left out with a note. Each serving4j row also shows its model-run share: the
 * fraction of worker busy time spent in inference, from serving4j's own stage timings.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
    description = "Runs serving4j and the peers side by side and writes compare.csv and compare.md.")
final class CompareCommand implements Callable<Integer> {
  @Option(names = "--workloads", split = ",", defaultValue = "corpus:mixed,corpus:short")
  List<String> workloads;

  @Option(names = "--implementations", split = ",", defaultValue = "DJL,RAW_ORT,LANGCHAIN4J,SERVING4J_ZERO_CONFIG,"
      + "SERVING4J_TWO_WORKERS")
  List<EmbedderType> implementations;

  @Option(names = "--reference", defaultValue = "SERVING4J_ZERO_CONFIG",
      description = "the implementation the ratio columns divide (default: ${DEFAULT-VALUE})")
  EmbedderType reference;

  @Option(names = "--concurrency", split = ",", defaultValue = "1,64")
  List<Integer> concurrency;

  @Option(names = "--requests", defaultValue = "1500", description = "measured requests per point with many clients")
  int requests;

  @Option(names = "--single-requests", defaultValue = "300", description = "measured requests with one client")
  int singleRequests;

  @Option(names = "--warmup", defaultValue = "300")
  int warmup;

  @Option(names = "--rounds", defaultValue = "3", description = "interleaved rounds per client count")
  int rounds;

  @Option(names = "--out", defaultValue = "bench-compare")
  Path out;

  @Option(names = "--work-dir")
  Path workDir = MiniLm.defaultDirectory();

  /**
   * One measured point.
   *
   * @param workload the inputs' name
   * @param implementation who served them
   * @param clients concurrent clients
   * @param outcome what they saw
   * @param cpuMillisPerRequest process CPU time per request: the work each request cost, which (unlike
   *     throughput) does not depend on how much of a shared machine the implementation's threads won
   * @param inferenceShare serving4j sides only (else NaN): the fraction of the workers' busy time spent in the
   *     model run, from serving4j's own stage timings ({@link ServingStats.Snapshot#inferenceShare()})
   */
  record Point(String workload, EmbedderType implementation, int clients, LoadRunner.Outcome outcome,
      double cpuMillisPerRequest, double inferenceShare) {}

  @Override
  public Integer call() throws Exception {
    List<Point> points = new ArrayList<>();
    for (String workload : workloads) {
      points.addAll(compare(workload, inputs(workload)));
    }
    Files.createDirectories(out);
    Files.writeString(out.resolve("compare.csv"), csv(points));
    String md = markdown(points);
    Files.writeString(out.resolve("compare.md"), md);
    System.out.println(md);
    return 0;
  }

  /** The inputs of a workload: rendered lines for {@code ocr:cls} and {@code ocr:rec}, else texts. */
  static List<Object> inputs(String workload) {
    OcrWorkload ocr = OcrWorkload.named(workload);
    return List.copyOf(ocr != null ? ocr.images() : Workload.texts(workload));
  }

  /**
   * Opens every implementation that has one for the workload, warms each, then runs {@code rounds} rounds in which
   * every implementation gets its share of each client count in turn, so a neighbour's load on a shared machine
   * hits all of them alike.
   */
  private List<Point> compare(String workload, List<Object> inputs) throws Exception {
    List<EmbedderType> types = new ArrayList<>();
    List<Implementation> opened = new ArrayList<>();
    try {
      for (EmbedderType type : implementations) {
        Implementation i = type.open(workload, workDir);
        if (i == null) {
          System.err.println(type + " has no implementation for workload " + workload + "; left out");
        } else {
          types.add(type);
          opened.add(i);
        }
      }
      int peak = concurrency.stream().max(Integer::compare).orElse(1);
      for (Implementation i : opened) {
        LoadRunner.closedLoop(inputs, peak, warmup, i::call, () -> { });
      }
      List<Point> points = new ArrayList<>();
      for (int clients : concurrency) {
        points.addAll(measure(workload, inputs, clients, types, opened));
      }
      return points;
    } finally {
      for (Implementation i : opened) {
        i.close();
      }
    }
  }

  /** One client count: every implementation's rounds, interleaved, merged per implementation. */
  private List<Point> measure(String workload, List<Object> inputs, int clients, List<EmbedderType> types,
      List<Implementation> opened) throws InterruptedException {
    int n = (clients == 1 ? singleRequests : requests) / rounds;
    LoadRunner.Outcome[] merged = new LoadRunner.Outcome[opened.size()];
    long[] cpuNanos = new long[opened.size()];
    opened.stream().map(Implementation::stats).filter(java.util.Objects::nonNull).forEach(ServingStats::reset);
    for (int round = 0; round < rounds; round++) {
      for (int i = 0; i < opened.size(); i++) {
        Progress progress = new Progress(System.err, workload + " " + types.get(i) + " c" + clients
            + " round " + (round + 1), n);
        long cpuBefore = ProcessStats.cpuNanos();
        LoadRunner.Outcome o = LoadRunner.closedLoop(inputs, clients, n, opened.get(i)::call, progress::step);
        cpuNanos[i] += ProcessStats.cpuNanos() - cpuBefore;
        merged[i] = merged[i] == null ? o : merged[i].plus(o);
      }
    }
    List<Point> points = new ArrayList<>();
    for (int i = 0; i < opened.size(); i++) {
      ServingStats stats = opened.get(i).stats();
      double share = stats == null ? Double.NaN : stats.snapshot().inferenceShare();
      points.add(new Point(workload, types.get(i), clients, merged[i],
          cpuNanos[i] / 1e6 / merged[i].latencyMicros().getTotalCount(), share));
    }
    return points;
  }

  static String csv(List<Point> points) {
    StringBuilder s = new StringBuilder("workload,implementation,clients,throughput_rps,p50_ms,p90_ms,p99_ms,"
        + "mean_ms,error_rate,cpu_ms_per_request,inference_share\n");
    for (Point p : points) {
      LoadRunner.Outcome o = p.outcome();
      s.append(String.format(Locale.ROOT, "%s,%s,%d,%.2f,%.3f,%.3f,%.3f,%.3f,%.4f,%.3f,%s%n", p.workload(),
          p.implementation(), p.clients(), o.throughput(), o.latencyMillis(50), o.latencyMillis(90),
          o.latencyMillis(99), o.latencyMicros().getMean() / 1e3, o.errorRate(), p.cpuMillisPerRequest(),
          Double.isNaN(p.inferenceShare()) ? "" : String.format(Locale.ROOT, "%.3f", p.inferenceShare())));
    }
    return s.toString();
  }

  String markdown(List<Point> points) {
    StringBuilder s = new StringBuilder("| workload | implementation | clients | req/s | p50 ms | p99 ms "
        + "| CPU ms/req | model-run share | req/s vs this | p99 vs this | p50 vs this | CPU/req vs this |\n"
        + "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Point p : points) {
      Point ours = find(points, p.workload(), reference, p.clients());
      LoadRunner.Outcome o = p.outcome();
      s.append(String.format(Locale.ROOT, "| %s | %s | %d | %.1f | %.1f | %.1f | %.2f | %s | %s | %s | %s | %s |%n",
          p.workload(), p.implementation(), p.clients(), o.throughput(), o.latencyMillis(50), o.latencyMillis(99),
          p.cpuMillisPerRequest(), Double.isNaN(p.inferenceShare()) ? "-"
              : String.format(Locale.ROOT, "%.0f%%", 100 * p.inferenceShare()),
          ours == null ? "-" : ratio(ours.outcome().throughput(), o.throughput()),
          ours == null ? "-" : ratio(ours.outcome().latencyMillis(99), o.latencyMillis(99)),
          ours == null ? "-" : ratio(ours.outcome().latencyMillis(50), o.latencyMillis(50)),
          ours == null ? "-" : ratio(ours.cpuMillisPerRequest(), p.cpuMillisPerRequest())));
    }
    s.append("\nThe ratio columns are " + reference + "'s figure divided by this row's (throughput: higher is "
        + "better for serving4j; latency and CPU per request: lower is better). The model-run share is the fraction "
        + "of serving4j's worker busy time (preprocess + inference + postprocess) spent in inference, from its own "
        + "stage timings; '-' for implementations without serving4j's workers.\n");
    return s.toString();
  }

  private static Point find(List<Point> points, String workload, EmbedderType type, int clients) {
    return points.stream().filter(p -> p.workload().equals(workload) && p.implementation() == type
        && p.clients() == clients).findFirst().orElse(null);
  }

  private static String ratio(double a, double b) {
    return String.format(Locale.ROOT, "%.2fx", a / b);
  }
}
