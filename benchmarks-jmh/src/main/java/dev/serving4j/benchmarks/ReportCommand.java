package dev.serving4j.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code BenchTool report}: redraws a report (md, svg, html, run.json; the CSV is rewritten unchanged) from an
 * existing {@code report.csv} without measuring anything. What the CSV does not hold comes from the
 * {@code run.json} beside it, and any option given here overrides that.
 *
 * <pre>{@code
 * java -cp benchmarks-jmh/target/benchmarks.jar dev.serving4j.benchmarks.BenchTool report \
 *     --from docs/benchmarks/sla-search/full/report.csv --plan docs/benchmarks/sla-plan.json --sla-p99 250ms \
 *     --out docs/benchmarks/sla-search/full
 * }</pre>
 */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = "Rewrites report.md/svg/html from an existing report.csv (and the run.json beside it).")
final class ReportCommand implements Callable<Integer> {
  @Option(names = "--from", required = true, description = "the report.csv to read")
  Path from;

  @Option(names = "--out", description = "output directory (default: the CSV's directory)")
  Path out;

  @Option(names = "--plan", description = "the plan the CSV came from (default: run.json's)")
  Path plan;

  @Option(names = "--sla-p99", description = "the p99 SLA, e.g. 250ms (default: run.json's)")
  String slaP99;

  @Option(names = "--machine", description = "what the CSV was measured on, in a sentence (default: run.json's)")
  String machine;

  @Option(names = "--heading", description = "the report's title (default: run.json's)")
  String heading;

  @Override
  public Integer call() throws Exception {
    Path dir = from.toAbsolutePath().getParent();
    Path runJson = dir.resolve("run.json");
    RunInfo run = Files.isRegularFile(runJson) ? RunInfo.read(runJson) : new RunInfo(null, 0, false, null, null);
    BenchPlan p = plan != null ? BenchPlan.parse(Files.readString(plan)) : run.plan();
    double sla = slaP99 != null ? BenchPlan.parseDuration("--sla-p99", slaP99).toNanos() / 1e6 : run.slaP99Millis();
    var rows = ReportWriter.parseCsv(Files.readString(from), from.toString());
    String title = heading != null ? heading : run.heading() != null ? run.heading()
        : "Sweep: " + rows.size() + " combinations";
    String where = machine != null ? machine : run.machine() != null ? run.machine()
        : "not recorded with this CSV";
    boolean openLoop = p != null ? p.openLoop() : run.openLoop();
    BenchTool.report(out != null ? out : dir, SweepReport.of(title, rows, openLoop, sla, p, where));
    return 0;
  }
}
