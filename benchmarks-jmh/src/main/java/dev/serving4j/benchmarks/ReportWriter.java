package dev.serving4j.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * Writes a sweep's measurements as {@code report.csv} (one row per combination, every figure), {@code report.md}
 * (the figures that decide, as a Markdown table) and {@code report.svg} ({@link SvgChart}).
 */
final class ReportWriter {
  static final List<String> CSV_COLUMNS = List.of("optimization", "batch_size", "workers", "intra_op_threads",
      "load", "throughput_rps", "latency_p50_ms", "latency_p90_ms", "latency_p99_ms", "latency_mean_ms",
      "error_rate", "queue_p50_ms", "queue_p90_ms", "queue_p99_ms", "inference_mean_ms", "preprocess_mean_ms",
      "postprocess_mean_ms", "mean_batch_size", "cpu_percent", "heap_mb", "rss_mb", "cosine_to_fp32");

  private ReportWriter() {}

  /** Writes the three files into {@code directory} and returns their paths (csv, md, svg). */
  static List<Path> write(Path directory, List<Measurement> rows, boolean openLoop, double slaP99Millis,
      Measurement best, String heading) {
    try {
      Files.createDirectories(directory);
      Path csv = Files.writeString(directory.resolve("report.csv"), csv(rows));
      Path md = Files.writeString(directory.resolve("report.md"),
          markdown(rows, openLoop, slaP99Millis, best, heading));
      Path svg = Files.writeString(directory.resolve("report.svg"),
          SvgChart.render(rows, openLoop, slaP99Millis, best));
      return List.of(csv, md, svg);
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
          m.meanBatchSize(), m.cpuPercent(), m.heapMb(), m.rssMb(), m.cosineToFp32()}) {
        row.add(number(v));
      }
      out.append(row).append('\n');
    }
    return out.toString();
  }

  /** The Markdown report: a heading, the SLA verdict, and the table. */
  static String markdown(List<Measurement> rows, boolean openLoop, double slaP99Millis, Measurement best,
      String heading) {
    StringBuilder out = new StringBuilder("# ").append(heading).append("\n\n");
    if (slaP99Millis > 0) {
      out.append(best == null
          ? String.format(Locale.ROOT, "No combination met the p99 SLA of %s ms.%n%n", number(slaP99Millis))
          : String.format(Locale.ROOT, "Best under the p99 SLA of %s ms: **%s**, %s req/s at p99 %s ms.%n%n",
              number(slaP99Millis), best.combination().label(openLoop), fixed(best.throughput(), 1),
              fixed(best.p99(), 1)));
    }
    out.append("| combination | req/s | p50 ms | p90 ms | p99 ms | errors | queue p99 ms | inference ms "
        + "| batch | CPU % | RSS MiB | cosine |").append('\n');
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Measurement m : rows) {
      String name = m.combination().label(openLoop);
      boolean bold = m == best;
      out.append("| ").append(bold ? "**" + name + "**" : name)
          .append(" | ").append(fixed(m.throughput(), 1))
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
