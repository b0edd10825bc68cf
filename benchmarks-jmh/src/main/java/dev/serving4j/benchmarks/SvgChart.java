package dev.serving4j.benchmarks;

import dev.serving4j.benchmarks.LabelLayout.Box;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The report's main chart, dependency-free SVG: p99 latency (log scale) against throughput, one marker per
 * combination, coloured by optimization and shaped by worker count. The SLA is a dashed red line, the Pareto
 * frontier a grey line through its labelled points, the chosen point ringed in green. Other points carry only a
 * hover title. Labels are placed by {@link LabelLayout}, which refuses overlaps.
 */
final class SvgChart {
  static final int WIDTH = 980;
  static final int HEIGHT = 600;
  private static final double LEFT = 78;
  private static final double RIGHT = WIDTH - 230;
  private static final double TOP = 48;
  private static final double BOTTOM = HEIGHT - 62;
  private static final double MARKER = 4.5;

  private SvgChart() {}

  /** The chart as an SVG document. */
  static String render(SweepReport report) {
    return draw(report).svg();
  }

  /** The chart and where its labels went (tests check the boxes). */
  record Drawing(String svg, LabelLayout.Result labels) {}

  static Drawing draw(SweepReport report) {
    List<Measurement> rows = report.rows();
    Legend legend = Legend.of(rows);
    Svg.LinearScale x = Svg.LinearScale.upTo(rows.stream().mapToDouble(Measurement::throughput).max().orElse(1),
        LEFT, RIGHT);
    double sla = report.slaP99Millis();
    Svg.LogScale y = Svg.LogScale.around(rows.stream().mapToDouble(Measurement::p99).min().orElse(1),
        Math.max(sla, rows.stream().mapToDouble(Measurement::p99).max().orElse(1)), BOTTOM, TOP);
    StringBuilder svg = new StringBuilder(Svg.open(WIDTH, HEIGHT, "p99 latency against throughput"));
    svg.append(Svg.text(LEFT, 26, "p99 latency against throughput, one marker per combination", "start", 15,
        "font-weight=\"bold\""));
    axes(svg, x, y);
    List<Box> obstacles = new ArrayList<>();
    if (sla > 0) {
      slaLine(svg, y.at(sla), sla, obstacles);
    }
    List<Measurement> frontier = report.frontier();
    frontierLine(svg, frontier, x, y, obstacles);
    for (Measurement m : rows) {
      obstacles.add(Box.around(x.at(m.throughput()), y.at(m.p99()), MARKER + 1.5));
    }
    markers(svg, report, legend, x, y);
    LabelLayout.Result labels = LabelLayout.place(requests(report, frontier, x, y),
        new Box(LEFT + 2, TOP + 2, RIGHT - LEFT - 4, BOTTOM - TOP - 4), obstacles);
    labels(svg, labels, report.best());
    legend.draw(svg, RIGHT + 22, TOP + 4, sla > 0, report.best() != null);
    footnote(svg, report, frontier, labels);
    return new Drawing(svg.append("</svg>\n").toString(), labels);
  }

  /** The SLA as a dashed line with its value; both are kept free of labels. */
  private static void slaLine(StringBuilder svg, double ys, double sla, List<Box> obstacles) {
    svg.append(Svg.line(LEFT, ys, RIGHT, ys, "stroke=\"#c00\" stroke-width=\"1.5\" stroke-dasharray=\"7,4\""));
    String slaText = "SLA: p99 " + Svg.tick(sla) + " ms";
    svg.append(Svg.text(LEFT + 6, ys - 5, slaText, "start", 11, "fill=\"#c00\""));
    obstacles.add(new Box(LEFT, ys - 16, LabelLayout.textBox(slaText, 11).width() + 8, 17));
    obstacles.add(new Box(LEFT, ys - 1.5, RIGHT - LEFT, 3));
  }

  /** A line under the chart when the frontier is a single point or some of its labels found no room. */
  private static void footnote(StringBuilder svg, SweepReport report, List<Measurement> frontier,
      LabelLayout.Result labels) {
    if (frontier.size() == 1) {
      svg.append(Svg.text(LEFT, HEIGHT - 6, "The Pareto frontier is one point: " + report.label(frontier.get(0))
          + " beats every other combination on both throughput and p99.", "start", 11, "fill=\"#555\""));
    } else if (!labels.unplaced().isEmpty()) {
      svg.append(Svg.text(LEFT, HEIGHT - 6, labels.unplaced().size() + " frontier points had no room for a label "
          + "(hover them, or see the table): " + abbreviate(String.join(", ",
          labels.unplaced().stream().map(LabelLayout.Request::text).toList()), 90), "start", 10, "fill=\"#555\""));
    }
  }

  private static String abbreviate(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max - 3) + "...";
  }

  private static void axes(StringBuilder svg, Svg.LinearScale x, Svg.LogScale y) {
    for (double v = 0; v <= x.max() + 1e-9; v += x.step()) {
      double px = x.at(v);
      svg.append(Svg.line(px, TOP, px, BOTTOM, "stroke=\"#e6e6e6\""));
      svg.append(Svg.text(px, BOTTOM + 16, Svg.tick(v), "middle", 11, "fill=\"#333\""));
    }
    for (double v : y.ticks()) {
      double py = y.at(v);
      boolean decade = Math.abs(Math.log10(v) - Math.rint(Math.log10(v))) < 1e-9;
      svg.append(Svg.line(LEFT, py, RIGHT, py, decade ? "stroke=\"#d0d0d0\"" : "stroke=\"#eeeeee\""));
      svg.append(Svg.text(LEFT - 6, py + 4, Svg.tick(v), "end", 11, "fill=\"#333\""));
    }
    svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" "
        + "stroke=\"#888\"/>%n", LEFT, TOP, RIGHT - LEFT, BOTTOM - TOP));
    svg.append(Svg.text((LEFT + RIGHT) / 2, BOTTOM + 40, "throughput (requests/s) — further right is better",
        "middle", 12, ""));
    double mid = (TOP + BOTTOM) / 2;
    svg.append(String.format(Locale.ROOT, "<text x=\"22\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"12\" "
        + "transform=\"rotate(-90 22 %.1f)\">p99 latency (ms, log scale) — lower is better</text>%n", mid, mid));
  }

  private static void frontierLine(StringBuilder svg, List<Measurement> frontier, Svg.LinearScale x, Svg.LogScale y,
      List<Box> obstacles) {
    if (frontier.size() < 2) {
      return;
    }
    StringBuilder points = new StringBuilder();
    for (int i = 0; i < frontier.size(); i++) {
      Measurement m = frontier.get(i);
      points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x.at(m.throughput()), y.at(m.p99())));
      if (i > 0) {
        Measurement prev = frontier.get(i - 1);
        segment(obstacles, x.at(prev.throughput()), y.at(prev.p99()), x.at(m.throughput()), y.at(m.p99()));
      }
    }
    svg.append("<polyline points=\"").append(points.toString().trim())
        .append("\" fill=\"none\" stroke=\"#555\" stroke-width=\"1.3\" stroke-dasharray=\"2,3\"/>\n");
  }

  /** Reserves the pixels a line segment covers, so no label is written across it. */
  private static void segment(List<Box> obstacles, double x1, double y1, double x2, double y2) {
    int steps = (int) Math.ceil(Math.hypot(x2 - x1, y2 - y1) / 3);
    for (int s = 0; s <= steps; s++) {
      double f = steps == 0 ? 0 : (double) s / steps;
      obstacles.add(Box.around(x1 + f * (x2 - x1), y1 + f * (y2 - y1), 1.5));
    }
  }

  private static void markers(StringBuilder svg, SweepReport report, Legend legend, Svg.LinearScale x,
      Svg.LogScale y) {
    double sla = report.slaP99Millis();
    for (Measurement m : report.rows()) {
      double px = x.at(m.throughput());
      double py = y.at(m.p99());
      boolean meets = sla <= 0 || m.meets(sla);
      String title = String.format(Locale.ROOT, "%s: %.1f req/s, p50 %.1f ms, p99 %.1f ms%s", report.label(m),
          m.throughput(), m.p50(), m.p99(), meets ? "" : " (misses the SLA)");
      svg.append("<g class=\"point\"><title>").append(Svg.escape(title)).append("</title>")
          .append(Svg.marker(legend.shape(m), px, py, MARKER, legend.colour(m),
              meets ? "" : "fill-opacity=\"0.45\""))
          .append("</g>\n");
    }
    Measurement best = report.best();
    if (best != null) {
      svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"10\" fill=\"none\" stroke=\"%s\" "
          + "stroke-width=\"2.5\"/>%n", x.at(best.throughput()), y.at(best.p99()), Svg.CHOSEN));
    }
  }

  private static List<LabelLayout.Request> requests(SweepReport report, List<Measurement> frontier,
      Svg.LinearScale x, Svg.LogScale y) {
    List<LabelLayout.Request> requests = new ArrayList<>();
    Measurement best = report.best();
    if (best != null) {
      requests.add(new LabelLayout.Request("chosen: " + report.label(best), x.at(best.throughput()),
          y.at(best.p99()), 12, 10));
    }
    for (Measurement m : frontier) {
      if (m != best) {
        requests.add(new LabelLayout.Request(report.label(m), x.at(m.throughput()), y.at(m.p99()), 11, MARKER));
      }
    }
    return requests;
  }

  private static void labels(StringBuilder svg, LabelLayout.Result labels, Measurement best) {
    for (LabelLayout.Placed p : labels.placed()) {
      boolean chosen = best != null && p.request().text().startsWith("chosen: ");
      if (p.leader()) {
        Box b = p.box();
        double lx = Math.max(b.x(), Math.min(p.request().x(), b.x() + b.width()));
        double ly = Math.max(b.y(), Math.min(p.request().y(), b.y() + b.height()));
        svg.append(Svg.line(p.request().x(), p.request().y(), lx, ly, "stroke=\"#999\" stroke-width=\"0.8\""));
      }
      String reserved = String.format(Locale.ROOT, " class=\"label\" data-w=\"%.1f\"", p.box().width() - 1);
      svg.append(Svg.text(p.box().x() + 1, p.baseline(), p.request().text(), "start", p.request().fontSize(),
          (chosen ? "font-weight=\"bold\" fill=\"" + Svg.CHOSEN + "\"" : "fill=\"#222\"") + reserved));
    }
  }
}
