package dev.serving4j.benchmarks;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * TorchServe's benchmark suite, in process: runs every combination of a plan (or searches them for the best under
 * a p99 SLA: by default from serving4j's learned cost model, measuring only a few points, {@link ModelGuidedSearch};
 * with {@code --search hill} by hill climbing, {@link SlaSearch}) and writes {@code report.csv}, {@code report.md}, {@code report.svg}, {@code report.html} and
 * {@code run.json} ({@link ReportWriter}). Any archive can be benched with inputs of its handler's type (a folder of
 * images or files, a JSON-lines file of strings or tensors, or a built-in set: {@link InputSet}); the plan is JSON or
 * YAML ({@link BenchPlan}). The {@code compare} subcommand runs serving4j and the peers side by side
 * ({@link CompareCommand}); {@code report} redraws a report from an existing {@code report.csv}
 * ({@link ReportCommand}).
 *
 * <pre>{@code
 * java -cp benchmarks-jmh/target/benchmarks.jar dev.serving4j.benchmarks.BenchTool --plan plan.json --out report/
 * java -cp benchmarks-jmh/target/benchmarks.jar dev.serving4j.benchmarks.BenchTool --plan my-archive.yaml --out report/
 * java -cp benchmarks-jmh/target/benchmarks.jar dev.serving4j.benchmarks.BenchTool --plan plan.json \
 *     --sla-p99 100ms --full --out report/
 * java -cp benchmarks-jmh/target/benchmarks.jar dev.serving4j.benchmarks.BenchTool --plan plan.json \
 *     --sla-p99 100ms --search hill --out report/
 * java -cp benchmarks-jmh/target/benchmarks.jar dev.serving4j.benchmarks.BenchTool report \
 *     --from report/full/report.csv --out report/full
 * }</pre>
 */
@Command(name = "bench", mixinStandardHelpOptions = true, subcommands = {CompareCommand.class, ReportCommand.class},
    description = "Sweeps a plan's combinations (or searches them under a p99 SLA) and writes report.csv/md/svg/html.")
public final class BenchTool implements Callable<Integer> {
  /** The plan {@code --quick} runs: two tiny combinations and zero-config, to prove the tool works. */
  static final String QUICK_PLAN = "{\"batchSizes\": [1, 8], \"concurrency\": [4], \"requests\": 40, "
      + "\"warmup\": 8, \"input\": \"corpus:short\", \"intraOpThreads\": [1], \"zeroConfig\": true}";

  /** Rounds of the re-measurement of the search's and the sweep's answers. */
  static final int RECHECK_ROUNDS = 3;

  @Option(names = "--plan", description = "JSON or YAML plan file; TorchServe's benchmark-config names are accepted "
      + "(see docs/benchmarks.md)")
  Path plan;

  @Option(names = "--out", defaultValue = "bench-report", description = "output directory (default: ${DEFAULT-VALUE})")
  Path out;

  @Option(names = "--sla-p99", description = "p99 SLA, e.g. 100ms: search for the best combination meeting it")
  String slaP99;

  @Option(names = "--full", description = "with --sla-p99: also run the full sweep, to show how close the search came")
  boolean full;

  @Option(names = "--search", defaultValue = "model", description = "with --sla-p99: 'model' (predict every "
      + "combination from the learned cost model, measure the best few) or 'hill' (hill-climb by measuring); "
      + "default: ${DEFAULT-VALUE}")
  String searchMode;

  @Option(names = "--deadline", description = "every request's timeout, e.g. 100ms (with an open-loop plan above "
      + "capacity, late requests fail instead of piling up); default: none")
  String deadline;

  @Option(names = "--quick", description = "run a tiny built-in plan briefly (CI)")
  boolean quick;

  @Option(names = "--work-dir", description = "where model files are unpacked (default: a temp folder)")
  Path workDir = MiniLm.defaultDirectory();

  /** Runs the tool. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new BenchTool()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if ((plan == null) == !quick) {
      throw new CommandLine.ParameterException(new CommandLine(this), "give exactly one of --plan or --quick");
    }
    if (!searchMode.equals("model") && !searchMode.equals("hill")) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--search must be 'model' or 'hill', was '"
          + searchMode + "'");
    }
    BenchPlan p = BenchPlan.parse(quick ? QUICK_PLAN : Files.readString(plan));
    double sla = slaP99 == null ? 0 : BenchPlan.parseDuration("--sla-p99", slaP99).toNanos() / 1e6;
    PrintStream log = System.err;
    String machine = RunInfo.thisMachine();
    SlaSearch.Grid grid = SlaSearch.Grid.of(p);
    Duration timeout = deadline == null ? null : BenchPlan.parseDuration("--deadline", deadline);
    try (SweepRunner runner = new SweepRunner(p, workDir, log, sla, timeout)) {
      if (sla > 0) {
        runner.warmUp(grid.all().get(0));
        long started = System.nanoTime();
        Searched search = search(grid, sla, p, runner);
        List<Measurement> measured = new ArrayList<>(search.measured());
        measured.addAll(zeroConfig(p, sla, runner));
        double searchSeconds = (System.nanoTime() - started) / 1e9;
        SweepReport searched = SweepReport.of(String.format(Locale.ROOT,
            "SLA search (%s): %d of %d combinations measured in %.0f s", searchMode, measured.size(),
            p.combinations(), searchSeconds), measured, p.openLoop(), sla, p, machine);
        report(out.resolve("search"), searched);
        if (search.predictions() != null) {
          System.out.println("  wrote " + Predictions.write(out.resolve("search"), search.predictions(), measured,
              p.openLoop(), sla));
        }
        if (full) {
          compareWithSweep(grid, p, sla, runner, machine, searched.best(), searchSeconds, measured.size());
        }
      } else {
        List<Measurement> all = sweep(grid, p, runner);
        report(out, SweepReport.of("Sweep: " + all.size() + " combinations", all, p.openLoop(), 0, p, machine));
      }
    }
    return 0;
  }

  /**
   * Runs the full sweep and prints how the search's answer and time compare with it; then, when the two answers
   * differ, re-measures them back to back in {@value #RECHECK_ROUNDS} rounds, so that a neighbour's load drifting
   * between the search and the sweep (minutes apart) does not decide the ratio.
   */
  private void compareWithSweep(SlaSearch.Grid grid, BenchPlan p, double sla, SweepRunner runner, String machine,
      Measurement searchBest, double searchSeconds, int searchPoints) {
    long started = System.nanoTime();
    List<Measurement> all = sweep(grid, p, runner);
    double fullSeconds = (System.nanoTime() - started) / 1e9;
    SweepReport sweep = SweepReport.of(String.format(Locale.ROOT, "Full sweep: %d combinations in %.0f s",
        all.size(), fullSeconds), all, p.openLoop(), sla, p, machine);
    report(out.resolve("full"), sweep);
    System.out.println(closeness(searchBest, sweep.best(), p.openLoop()) + String.format(Locale.ROOT,
        "; search time/full = %.2f (%d points vs %d)", searchSeconds / fullSeconds, searchPoints, all.size()));
    if (searchBest != null && sweep.best() != null
        && !searchBest.combination().equals(sweep.best().combination())) {
      System.out.println(recheck(searchBest.combination(), sweep.best().combination(), runner, sla, p.openLoop()));
    }
  }

  /** The two answers measured alternately, {@value #RECHECK_ROUNDS} rounds: their mean throughputs and ratio. */
  static String recheck(Combination searched, Combination best, java.util.function.Function<Combination,
      Measurement> runner, double sla, boolean openLoop) {
    double[] sums = new double[2];
    int[] met = new int[2];
    for (int round = 0; round < RECHECK_ROUNDS; round++) {
      Combination[] order = round % 2 == 0 ? new Combination[] {searched, best} : new Combination[] {best, searched};
      for (Combination c : order) {
        Measurement m = runner.apply(c);
        int i = c.equals(searched) ? 0 : 1;
        sums[i] += m.throughput();
        met[i] += m.meets(sla) ? 1 : 0;
      }
    }
    return String.format(Locale.ROOT, "recheck, %d interleaved rounds: search's %s %.1f req/s (met the SLA %d/%d), "
        + "full sweep's %s %.1f req/s (%d/%d); search/full = %.2f", RECHECK_ROUNDS, searched.label(openLoop),
        sums[0] / RECHECK_ROUNDS, met[0], RECHECK_ROUNDS, best.label(openLoop), sums[1] / RECHECK_ROUNDS, met[1],
        RECHECK_ROUNDS, sums[0] / sums[1]);
  }

  /** What either search measured, and the model-guided one's predictions (null for hill climbing). */
  private record Searched(List<Measurement> measured, List<SlaPredictor.Prediction> predictions) {}

  private Searched search(SlaSearch.Grid grid, double sla, BenchPlan p, SweepRunner runner) {
    if (searchMode.equals("hill")) {
      return new Searched(SlaSearch.hillClimb(grid, sla, runner).measured(), null);
    }
    ModelGuidedSearch.Result r = ModelGuidedSearch.search(grid, sla, p.openLoop(), p.maxBatchCost(), runner);
    System.out.println("Learned cost models (" + r.calibrations() + " calibration points):");
    r.layouts().forEach(l -> System.out.println("  " + l));
    return new Searched(r.measured(), r.predictions());
  }

  private static List<Measurement> sweep(SlaSearch.Grid grid, BenchPlan p, SweepRunner runner) {
    List<Measurement> all = new ArrayList<>();
    for (Combination c : grid.all()) {
      all.add(runner.apply(c));
    }
    p.zeroConfigCombinations().forEach(c -> all.add(runner.apply(c)));
    return all;
  }

  /** The plan's zero-config points, each optimization's loads ascending until the first that misses the SLA. */
  private static List<Measurement> zeroConfig(BenchPlan p, double sla, SweepRunner runner) {
    List<Measurement> measured = new ArrayList<>();
    String missed = null;
    for (Combination c : p.zeroConfigCombinations()) {
      if (!c.optimization().equals(missed)) {
        Measurement m = runner.apply(c);
        measured.add(m);
        missed = m.meets(sla) ? null : c.optimization();
      }
    }
    return measured;
  }

  static void report(Path dir, SweepReport report) {
    List<Path> files = ReportWriter.write(dir, report);
    Measurement best = report.best();
    System.out.println(report.heading() + (best == null ? "" : "; best: " + report.label(best)
        + String.format(Locale.ROOT, " %.1f req/s, p99 %.1f ms", best.throughput(), best.p99())));
    files.forEach(f -> System.out.println("  wrote " + f));
  }

  /** How the search's answer compares with the full sweep's. */
  static String closeness(Measurement searched, Measurement best, boolean openLoop) {
    if (best == null) {
      return "full sweep: no combination met the SLA";
    }
    if (searched == null) {
      return "search found nothing under the SLA; the full sweep's best is " + best.combination().label(openLoop);
    }
    return String.format(Locale.ROOT, "search: %s (%.1f req/s); full sweep: %s (%.1f req/s); search/full = %.2f",
        searched.combination().label(openLoop), searched.throughput(), best.combination().label(openLoop),
        best.throughput(), searched.throughput() / best.throughput());
  }
}
