package dev.serving4j.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * A sweep's {@code report.csv} as the seed's table (TorchServe's tuning case study): one row per combination with
 * the columns device, concurrency, requests, workers, batch size, optimization, throughput and p99, plus whether
 * the row meets the p99 SLA; the chosen row (the highest throughput meeting it) in bold. The plan and SLA come
 * from the {@code run.json} beside the CSV; {@code --sla-p99} overrides the SLA. Workers are written as
 * {@code workers x intra-op threads} (the seed's table has no threads column; its sweep had no such knob).
 *
 * <pre>{@code
 * java -cp benchmarks-jmh/target/benchmarks.jar dev.serving4j.benchmarks.SeedTable \
 *     docs/benchmarks/detector/full/report.csv [--sla-p99 100ms]
 * }</pre>
 */
final class SeedTable {
  private SeedTable() {}

  /** The Markdown table of {@code rows}, measured with {@code plan}, against {@code slaP99Millis}. */
  static String markdown(List<Measurement> rows, BenchPlan plan, double slaP99Millis) {
    Measurement best = rows.stream().filter(m -> m.meets(slaP99Millis))
        .max(Comparator.comparingDouble(Measurement::throughput)).orElse(null);
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "| device | concurrency | requests | workers "
        + "x threads | batch size | optimization | throughput (req/s) | p99 (ms) | p99 <= %s ms |%n",
        ReportWriter.fixed(slaP99Millis, 0)));
    out.append("|---|---:|---:|---|---:|---|---:|---:|:---:|\n");
    String device = String.join(", ", plan.devices());
    for (Measurement m : rows.stream().sorted(order()).toList()) {
      Combination c = m.combination();
      String layout = c.zeroConfig() ? "zero-config" : c.workers() + " x " + c.intraOpThreads();
      String bold = m == best ? "**" : "";
      out.append(String.format(Locale.ROOT, "| %s | %s%d%s | %d | %s | %s | %s | %s%s%s | %s%s%s | %s |%n", device,
          bold, (int) c.load(), bold, plan.requests(), layout, c.zeroConfig() ? "-" : Integer.toString(c.batchSize()),
          c.optimization(), bold, ReportWriter.fixed(m.throughput(), 1), bold, bold, ReportWriter.fixed(m.p99(), 1),
          bold, m.meets(slaP99Millis) ? "yes" : "no"));
    }
    return out.toString();
  }

  /** Load first, then optimization, workers, threads and batch size, zero-config last within a load. */
  private static Comparator<Measurement> order() {
    return Comparator.<Measurement>comparingDouble(m -> m.combination().load())
        .thenComparing(m -> m.combination().zeroConfig())
        .thenComparing(m -> m.combination().optimization())
        .thenComparingInt(m -> m.combination().workers())
        .thenComparingInt(m -> m.combination().intraOpThreads())
        .thenComparingInt(m -> m.combination().batchSize());
  }

  /** Prints the table of the CSV named by the first argument. */
  public static void main(String[] args) throws IOException {
    if (args.length != 1 && !(args.length == 3 && args[1].equals("--sla-p99"))) {
      throw new IllegalArgumentException("usage: SeedTable REPORT_CSV [--sla-p99 100ms]");
    }
    Path csv = Path.of(args[0]);
    RunInfo run = RunInfo.read(csv.toAbsolutePath().getParent().resolve("run.json"));
    if (run.plan() == null) {
      throw new IllegalArgumentException("run.json beside " + csv + " holds no plan; the table needs its requests "
          + "and devices");
    }
    double sla = args.length == 3 ? BenchPlan.parseDuration("--sla-p99", args[2]).toNanos() / 1e6
        : run.slaP99Millis();
    System.out.print(markdown(ReportWriter.parseCsv(Files.readString(csv), csv.toString()), run.plan(), sla));
  }
}
