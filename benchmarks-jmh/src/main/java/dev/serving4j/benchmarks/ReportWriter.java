package dev.serving4j.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * Writes a sweep's report: {@code report.csv} (one row per combination, every figure), {@code report.md} (the
 * figures that decide, as a Markdown table), {@code report.svg} ({@link SvgChart}), {@code report.html}
 * ({@link HtmlReport}) and {@code run.json} ({@link RunInfo}); and reads a {@code report.csv} back.
 */
final class ReportWriter {
  static final List<String> CSV_COLUMNS = List.of("optimization", "batch_size", "workers", "intra_op_threads",
      "load", "throughput_rps", "latency_p50_ms", "latency_p90_ms", "latency_p99_ms", "latency_mean_ms",
      "error_rate", "queue_p50_ms", "queue_p90_ms", "queue_p99_ms", "inference_mean_ms", "preprocess_mean_ms",
      "postprocess_mean_ms", "mean_batch_size", "cpu_percent", "heap_mb", "rss_mb", "cosine_to_fp32",
      "goodput_rps");
  /** The columns before {@code goodput_rps} was added: such reports still read, their goodput NaN. */
  private static final List<String> OLD_COLUMNS = CSV_COLUMNS.subList(0, CSV_COLUMNS.size() - 1);

  private ReportWriter() {}

  /** Writes the report's files into {@code directory} and returns their paths (csv, md, svg, html, json). */
  static List<Path> write(Path directory, SweepReport report) {
    try {
      Files.createDirectories(directory);
      return List.of(Files.writeString(directory.resolve("report.csv"), csv(report.rows())),
          Files.writeString(directory.resolve("report.md"), markdown(report)),
          Files.writeString(directory.resolve("report.svg"), SvgChart.render(report)),
          Files.writeString(directory.resolve("report.html"), HtmlReport.render(report)),
          Files.writeString(directory.resolve("run.json"), RunInfo.of(report).json()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the report into " + directory, e);
    }
  }

  /** The CSV text: a header, then one row per measurement, '.' decimals whatever the locale. */
  static String csv(List<Measurement> rows) {
    StringBuilder out = new StringBuilder(String.join(",", CSV_COLUMNS)).append('\n');
    for (Measurement m : rows) {
      Combination c = m.combination();
      StringJoiner row = new StringJoiner(",");
      row.add(c.optimization()).add(Integer.toString(c.batchSize())).add(Integer.toString(c.workers()))
          .add(Integer.toString(c.intraOpThreads())).add(number(c.load()));
      for (double v : new double[] {m.throughput(), m.p50(), m.p90(), m.p99(), m.mean(), m.errorRate(),
          m.queueP50(), m.queueP90(), m.queueP99(), m.inferenceMean(), m.preprocessMean(), m.postprocessMean(),
          m.meanBatchSize(), m.cpuPercent(), m.heapMb(), m.rssMb(), m.cosineToFp32(), m.goodput()}) {
        row.add(number(v));
      }
      out.append(row).append('\n');
    }
    return out.toString();
  }

  /**
   * Parses CSV text written by {@link #csv}; the header must be exactly {@link #CSV_COLUMNS}, an empty cell is NaN.
   * Throws {@link IllegalArgumentException} naming the line and column of a bad cell.
   */
  static List<Measurement> parseCsv(String text, String source) {
    List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
    boolean old = !lines.isEmpty() && lines.get(0).equals(String.join(",", OLD_COLUMNS));
    List<String> columns = old ? OLD_COLUMNS : CSV_COLUMNS;
    if (lines.isEmpty() || !lines.get(0).equals(String.join(",", columns))) {
      throw new IllegalArgumentException(source + " is not a bench report: its first line must be "
          + String.join(",", CSV_COLUMNS));
    }
    List<Measurement> rows = new ArrayList<>();
    for (int i = 1; i < lines.size(); i++) {
      String[] cells = lines.get(i).split(",", -1);
      if (cells.length != columns.size()) {
        throw new IllegalArgumentException(source + " line " + (i + 1) + " has " + cells.length + " cells, expected "
            + columns.size());
      }
      double[] v = new double[CSV_COLUMNS.size()];
      v[CSV_COLUMNS.size() - 1] = Double.NaN;
      for (int col = 1; col < cells.length; col++) {
        try {
          v[col] = cells[col].isEmpty() ? Double.NaN : Double.parseDouble(cells[col]);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(source + " line " + (i + 1) + " column " + CSV_COLUMNS.get(col)
              + " must be a number, was '" + cells[col] + "'", e);
        }
      }
      rows.add(new Measurement(new Combination(cells[0], (int) v[1], (int) v[2], (int) v[3], v[4]), v[5], v[6],
          v[7], v[8], v[9], v[10], v[11], v[12], v[13], v[14], v[15], v[16], v[17], v[18], v[19], v[20], v[21],
          v[22]));
    }
    return rows;
  }

  /** The Markdown report: a heading, the recommendation, and the table. */
  static String markdown(SweepReport report) {
    StringBuilder out = new StringBuilder("# ").append(report.heading()).append("\n\n");
    Measurement best = report.best();
    if (report.slaP99Millis() > 0) {
      out.append(best == null
          ? String.format(Locale.ROOT, "No combination met the p99 SLA of %s ms.%n%n", number(report.slaP99Millis()))
          : String.format(Locale.ROOT, "Best under the p99 SLA of %s ms: **%s**, %s req/s at p99 %s ms.%n%n",
              number(report.slaP99Millis()), report.label(best), fixed(best.throughput(), 1),
              fixed(best.p99(), 1)));
    }
    out.append("| combination | req/s | goodput/s | p50 ms | p90 ms | p99 ms | errors | queue p99 ms | inference ms "
        + "| batch | CPU % | RSS MiB | cosine |").append('\n');
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Measurement m : report.rows()) {
      String name = report.label(m);
      out.append("| ").append(m == best ? "**" + name + "**" : name)
          .append(" | ").append(fixed(m.throughput(), 1))
          .append(" | ").append(fixed(m.goodput(), 1))
          .append(" | ").append(fixed(m.p50(), 1))
          .append(" | ").append(fixed(m.p90(), 1))
          .append(" | ").append(fixed(m.p99(), 1))
          .append(" | ").append(fixed(100 * m.errorRate(), 1)).append('%')
          .append(" | ").append(fixed(m.queueP99(), 1))
          .append(" | ").append(fixed(m.inferenceMean(), 1))
          .append(" | ").append(fixed(m.meanBatchSize(), 1))
          .append(" | ").append(fixed(m.cpuPercent(), 0))
          .append(" | ").append(fixed(m.rssMb(), 0))
          .append(" | ").append(fixed(m.cosineToFp32(), 4)).append(" |\n");
    }
    return out.toString();
  }

  static String fixed(double v, int decimals) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%." + decimals + "f", v);
  }

  private static String number(double v) {
    if (Double.isNaN(v)) {
      return "";
    }
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.4f", v);
  }
}
