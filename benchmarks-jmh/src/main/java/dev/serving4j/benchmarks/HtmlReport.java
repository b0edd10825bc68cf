package dev.serving4j.benchmarks;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * {@code report.html}: one self-contained page (inline CSS and SVG, a few lines of script to sort the table; no
 * network) that opens from disk. It gives the recommendation in one sentence, the config to paste, the charts
 * ({@link SvgChart}, {@link PercentileChart}), every combination in a sortable table, and the plan and machine.
 */
final class HtmlReport {
  private static final String STYLE = """
      body{font-family:"DejaVu Sans",Arial,sans-serif;color:#222;margin:24px auto;max-width:1000px;padding:0 12px;\
      line-height:1.45}
      h1{font-size:24px;margin:0 0 8px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ddd}
      .lead{font-size:17px;background:#eef7ee;border-left:5px solid #0a8a0a;padding:10px 14px}
      .paste{display:flex;gap:12px;flex-wrap:wrap}.paste div{flex:1;min-width:300px}
      pre{background:#f6f6f6;border:1px solid #ddd;padding:8px 10px;font-size:13px;overflow:auto;margin:4px 0}
      svg{max-width:100%;height:auto;display:block;margin:8px 0}
      table{border-collapse:collapse;font-size:12px;width:100%}
      th,td{padding:3px 6px;border-bottom:1px solid #e4e4e4;text-align:right;white-space:nowrap}
      th{background:#f0f0f0;cursor:pointer;position:sticky;top:0}th:first-child,td:first-child{text-align:left}
      tr.chosen td{background:#eef7ee;font-weight:bold}tr.miss td{color:#888}
      .note{color:#555;font-size:13px}dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px}
      dt{font-weight:bold}dd{margin:0}
      """;
  private static final String SCRIPT = """
      document.querySelectorAll('th').forEach((th, col) => th.addEventListener('click', () => {
        const body = th.closest('table').tBodies[0], up = th.dataset.dir !== 'up';
        const key = r => { const c = r.cells[col]; return c.dataset.v === undefined ? c.textContent : +c.dataset.v; };
        [...body.rows].sort((a, b) => (key(a) > key(b) ? 1 : key(a) < key(b) ? -1 : 0) * (up ? 1 : -1))
          .forEach(r => body.appendChild(r));
        th.dataset.dir = up ? 'up' : 'down';
      }));
      """;

  private HtmlReport() {}

  /** The page. */
  static String render(SweepReport report) {
    StringBuilder html = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n");
    html.append("<title>").append(Svg.escape(report.heading())).append("</title>\n<style>\n").append(STYLE)
        .append("</style></head><body>\n");
    html.append("<h1>").append(Svg.escape(report.heading())).append("</h1>\n");
    Recommendation rec = new Recommendation(report);
    html.append("<p class=\"lead\">").append(Svg.escape(rec.sentence())).append("</p>\n");
    if (report.best() != null) {
      paste(html, rec);
    }
    html.append("<h2>Throughput and tail latency</h2>\n").append(SvgChart.render(report));
    html.append("<p class=\"note\">Each marker is one combination. Right is more throughput, down is lower p99 "
        + "(log scale, so the fast points are not squashed). Markers below the red line meet the SLA; the dotted "
        + "line joins the Pareto frontier, the points no other beats on both axes, and only those are labelled. "
        + "Hover a marker for its figures.</p>\n");
    String percentiles = PercentileChart.render(report);
    if (!percentiles.isEmpty()) {
      html.append(percentiles).append("<p class=\"note\">The chosen combination (green) against the combinations "
          + "one step from it on one axis. A line that rises steeply to the right has a long tail.</p>\n");
    }
    table(html, report);
    run(html, report);
    return html.append("<script>\n").append(SCRIPT).append("</script>\n</body></html>\n").toString();
  }

  private static void paste(StringBuilder html, Recommendation rec) {
    html.append("<h2>The config to paste</h2>\n<div class=\"paste\"><div>In the archive's <code>MANIFEST.json</code>:"
        + "<pre>").append(Svg.escape(rec.manifestConfig())).append("</pre></div>\n<div>Or at registration:<pre>")
        .append(Svg.escape(rec.javaCall())).append("</pre></div></div>\n<ul class=\"note\">");
    rec.notes().forEach(n -> html.append("<li>").append(Svg.escape(n)).append("</li>"));
    html.append("</ul>\n<p>").append(Svg.escape(rec.zeroConfig())).append("</p>\n");
  }

  private record Column(String name, Function<Measurement, Double> value, int decimals) {}

  private static final List<Column> COLUMNS = List.of(new Column("req/s", Measurement::throughput, 1),
      new Column("goodput/s", Measurement::goodput, 1),
      new Column("p50 ms", Measurement::p50, 1), new Column("p90 ms", Measurement::p90, 1),
      new Column("p99 ms", Measurement::p99, 1), new Column("errors %", m -> 100 * m.errorRate(), 1),
      new Column("queue p99 ms", Measurement::queueP99, 1), new Column("inference ms", Measurement::inferenceMean, 1),
      new Column("mean batch", Measurement::meanBatchSize, 1), new Column("CPU %", Measurement::cpuPercent, 0),
      new Column("RSS MiB", Measurement::rssMb, 0), new Column("cosine", Measurement::cosineToFp32, 4));

  private static void table(StringBuilder html, SweepReport report) {
    html.append("<h2>Every combination</h2>\n<p class=\"note\">Click a heading to sort. Greyed rows miss the SLA; "
        + "the chosen row is green.</p>\n<table><thead><tr><th>combination</th>");
    COLUMNS.forEach(c -> html.append("<th>").append(c.name()).append("</th>"));
    html.append("</tr></thead><tbody>\n");
    for (Measurement m : report.rows()) {
      boolean miss = report.slaP99Millis() > 0 && !m.meets(report.slaP99Millis());
      html.append(m == report.best() ? "<tr class=\"chosen\">" : miss ? "<tr class=\"miss\">" : "<tr>");
      html.append("<td>").append(Svg.escape(report.label(m))).append("</td>");
      for (Column c : COLUMNS) {
        double v = c.value().apply(m);
        html.append(String.format(Locale.ROOT, "<td data-v=\"%s\">%s</td>", Double.isNaN(v) ? "-1" : v,
            ReportWriter.fixed(v, c.decimals())));
      }
      html.append("</tr>\n");
    }
    html.append("</tbody></table>\n");
  }

  private static void run(StringBuilder html, SweepReport report) {
    html.append("<h2>The run</h2>\n<dl><dt>machine</dt><dd>").append(Svg.escape(report.machine())).append("</dd>");
    html.append("<dt>SLA</dt><dd>").append(report.slaP99Millis() > 0 ? "p99 &le; "
        + ReportWriter.fixed(report.slaP99Millis(), 0) + " ms, no errors" : "none").append("</dd>");
    html.append("<dt>combinations</dt><dd>").append(report.rows().size()).append("</dd>");
    html.append("<dt>labels</dt><dd>optimization, b = maxBatchSize, w = workers, t = intra-op threads (0: ONNX "
        + "Runtime's default), ").append(report.openLoop() ? "r = requests/s offered" : "c = concurrent clients")
        .append("</dd></dl>\n");
    html.append(report.plan() == null ? "<p class=\"note\">The plan was not recorded with this CSV.</p>\n"
        : "<p>The plan:</p><pre>" + Svg.escape(RunInfo.planJson(report.plan())) + "</pre>\n");
  }
}
