package dev.serving4j.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The tail of the chosen combination and its neighbours: latency (log scale) at each percentile the report holds,
 * one line per combination, the percentile axis spaced by "nines" (p50, p90, p99 equally far apart as the tail
 * stretches). {@code report.csv} keeps p50, p90 and p99 per combination, not a full histogram, so each line joins
 * those three points; the chart says so.
 */
final class PercentileChart {
  static final int WIDTH = 980;
  static final int HEIGHT = 400;
  private static final double LEFT = 78;
  private static final double RIGHT = WIDTH - 330;
  private static final double TOP = 48;
  private static final double BOTTOM = HEIGHT - 62;
  private static final double[] PERCENTILES = {50, 90, 99};
  private static final List<Function<Measurement, Double>> VALUES = List.of(Measurement::p50, Measurement::p90,
      Measurement::p99);

  private PercentileChart() {}

  /** The chart as SVG, or an empty string when the report has no chosen point. */
  static String render(SweepReport report) {
    Measurement best = report.best();
    if (best == null) {
      return "";
    }
    List<Measurement> shown = new ArrayList<>(List.of(best));
    shown.addAll(neighbours(report.rows(), best));
    double low = shown.stream().mapToDouble(Measurement::p50).min().orElse(1);
    double high = Math.max(report.slaP99Millis(), shown.stream().mapToDouble(Measurement::p99).max().orElse(1));
    Svg.LogScale y = Svg.LogScale.around(low, high, BOTTOM, TOP);
    StringBuilder svg = new StringBuilder(Svg.open(WIDTH, HEIGHT, "latency percentiles"));
    svg.append(Svg.text(LEFT, 26, "Latency percentiles: the chosen combination and its neighbours", "start", 15,
        "font-weight=\"bold\""));
    axes(svg, y);
    if (report.slaP99Millis() > 0) {
      double ys = y.at(report.slaP99Millis());
      svg.append(Svg.line(LEFT, ys, RIGHT, ys, "stroke=\"#c00\" stroke-width=\"1.5\" stroke-dasharray=\"7,4\""));
      svg.append(Svg.text(LEFT + 6, ys - 5, "SLA: p99 " + Svg.tick(report.slaP99Millis()) + " ms", "start", 11,
          "fill=\"#c00\""));
    }
    for (int i = shown.size() - 1; i >= 0; i--) { // the chosen line last, on top
      curve(svg, report, shown.get(i), colour(i), i == 0, y);
    }
    key(svg, report, shown);
    svg.append(Svg.text(LEFT, HEIGHT - 8, "report.csv holds p50, p90 and p99 per combination (no full histogram): "
        + "each line joins those three points.", "start", 11, "fill=\"#555\""));
    return svg.append("</svg>\n").toString();
  }

  private static String colour(int i) {
    return i == 0 ? Svg.CHOSEN : Svg.PALETTE.get((i - 1) % Svg.PALETTE.size());
  }

  /** One row per line, highest p99 first (the order the lines end in), each with its colour and its p99. */
  private static void key(StringBuilder svg, SweepReport report, List<Measurement> shown) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < shown.size(); i++) {
      order.add(i);
    }
    order.sort((a, b) -> Double.compare(shown.get(b).p99(), shown.get(a).p99()));
    double x = RIGHT + 24;
    double row = TOP + 4;
    svg.append(Svg.text(x, row, "combination — p99", "start", 11, "font-weight=\"bold\""));
    for (int i : order) {
      Measurement m = shown.get(i);
      row += 20;
      svg.append(Svg.line(x, row - 4, x + 18, row - 4, "stroke=\"" + colour(i) + "\" stroke-width=\""
          + (i == 0 ? 3 : 1.6) + "\""));
      svg.append(Svg.text(x + 24, row, (i == 0 ? "chosen: " : "") + report.label(m) + " — "
          + ReportWriter.fixed(m.p99(), 1) + " ms", "start", 11, i == 0 ? "font-weight=\"bold\" fill=\""
          + Svg.CHOSEN + "\"" : ""));
    }
  }

  /**
   * The rows one step from {@code best} along exactly one axis (optimization, batch size, workers, threads or
   * load), in that order of axes.
   */
  static List<Measurement> neighbours(List<Measurement> rows, Measurement best) {
    List<Function<Combination, Object>> axes = List.of(Combination::optimization, Combination::batchSize,
        Combination::workers, Combination::intraOpThreads, Combination::load);
    List<Measurement> result = new ArrayList<>();
    for (Function<Combination, Object> axis : axes) {
      List<Object> values = rows.stream().map(m -> axis.apply(m.combination())).distinct()
          .sorted((a, b) -> a instanceof String ? 0 : Double.compare(((Number) a).doubleValue(),
              ((Number) b).doubleValue())).toList();
      int at = values.indexOf(axis.apply(best.combination()));
      for (Measurement m : rows) {
        if (m != best && differsOnlyIn(axes, axis, m.combination(), best.combination())
            && Math.abs(values.indexOf(axis.apply(m.combination())) - at) == 1) {
          result.add(m);
        }
      }
    }
    return result;
  }

  private static boolean differsOnlyIn(List<Function<Combination, Object>> axes, Function<Combination, Object> axis,
      Combination a, Combination b) {
    return axes.stream().allMatch(f -> f == axis || f.apply(a).equals(f.apply(b)));
  }

  private static void curve(StringBuilder svg, SweepReport report, Measurement m, String colour, boolean chosen,
      Svg.LogScale y) {
    StringBuilder points = new StringBuilder();
    for (int i = 0; i < PERCENTILES.length; i++) {
      points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(i), y.at(VALUES.get(i).apply(m))));
    }
    svg.append(String.format(Locale.ROOT, "<g class=\"curve\"><title>%s: p50 %.1f, p90 %.1f, p99 %.1f ms</title>"
        + "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"%s\"/>", Svg.escape(report.label(m)),
        m.p50(), m.p90(), m.p99(), points.toString().trim(), colour, chosen ? "3" : "1.6"));
    for (int i = 0; i < PERCENTILES.length; i++) {
      svg.append(Svg.marker(0, x(i), y.at(VALUES.get(i).apply(m)), chosen ? 4 : 3, colour, ""));
    }
    svg.append("</g>\n");
  }

  private static void axes(StringBuilder svg, Svg.LogScale y) {
    for (int i = 0; i < PERCENTILES.length; i++) {
      svg.append(Svg.line(x(i), TOP, x(i), BOTTOM, "stroke=\"#e6e6e6\""));
      svg.append(Svg.text(x(i), BOTTOM + 16, "p" + Svg.tick(PERCENTILES[i]), "middle", 11, "fill=\"#333\""));
    }
    for (double v : y.ticks()) {
      svg.append(Svg.line(LEFT, y.at(v), RIGHT, y.at(v), "stroke=\"#eeeeee\""));
      svg.append(Svg.text(LEFT - 6, y.at(v) + 4, Svg.tick(v), "end", 11, "fill=\"#333\""));
    }
    svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" "
        + "stroke=\"#888\"/>%n", LEFT, TOP, RIGHT - LEFT, BOTTOM - TOP));
    svg.append(Svg.text((LEFT + RIGHT) / 2, BOTTOM + 40, "percentile (spaced by nines: the tail to the right)",
        "middle", 12, ""));
    double mid = (TOP + BOTTOM) / 2;
    svg.append(String.format(Locale.ROOT, "<text x=\"22\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"12\" "
        + "transform=\"rotate(-90 22 %.1f)\">latency (ms, log scale)</text>%n", mid, mid));
  }

  /** The x of the i-th percentile: p50, p90, p99 at -log10(1 - p) = 0.3, 1, 2. */
  private static double x(int i) {
    double nines = -Math.log10(1 - PERCENTILES[i] / 100);
    double first = -Math.log10(1 - PERCENTILES[0] / 100);
    return LEFT + 30 + (RIGHT - LEFT - 60) * (nines - first) / (2 - first);
  }
}
