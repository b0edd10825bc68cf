package dev.serving4j.benchmarks;

import java.util.List;
import java.util.Locale;

/**
 * A dependency-free SVG scatter chart: one dot per combination at (throughput, p99 latency), labelled, the SLA as a
 * dashed horizontal line, the best point under the SLA ringed. Dots under the line meet the SLA; the best
 * configuration is the right-most of them.
 */
final class SvgChart {
  private static final int WIDTH = 900;
  private static final int HEIGHT = 560;
  private static final int LEFT = 70;
  private static final int RIGHT = 30;
  private static final int TOP = 40;
  private static final int BOTTOM = 60;

  private SvgChart() {}

  /** The chart as an SVG document. */
  static String render(List<Measurement> rows, boolean openLoop, double slaP99Millis, Measurement best) {
    double maxX = niceMax(rows.stream().mapToDouble(Measurement::throughput).max().orElse(1));
    double maxY = niceMax(Math.max(slaP99Millis, rows.stream().mapToDouble(Measurement::p99).max().orElse(1)));
    StringBuilder svg = new StringBuilder();
    svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
        + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT));
    svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    svg.append(text(WIDTH / 2.0, 22, "p99 latency vs throughput per combination", "middle", 14));
    axes(svg, maxX, maxY);
    if (slaP99Millis > 0) {
      double y = y(slaP99Millis, maxY);
      svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#c00\" "
          + "stroke-dasharray=\"6,4\"/>%n", LEFT, y, WIDTH - RIGHT, y));
      svg.append(text(WIDTH - RIGHT - 4, y - 4, "SLA p99 " + ReportWriter.fixed(slaP99Millis, 0) + " ms", "end",
          11));
    }
    for (Measurement m : rows) {
      double x = x(m.throughput(), maxX);
      double y = y(Math.min(m.p99(), maxY), maxY);
      String colour = m.combination().optimization().equals("quantized") ? "#e08000" : "#1f5fbf";
      svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\"/>%n", x, y,
          colour));
      if (m == best) {
        svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"9\" fill=\"none\" "
            + "stroke=\"#090\" stroke-width=\"2\"/>%n", x, y));
      }
      svg.append(text(x + 6, y - 5, m.combination().label(openLoop), "start", 9));
    }
    return svg.append("</svg>\n").toString();
  }

  private static void axes(StringBuilder svg, double maxX, double maxY) {
    int bottom = HEIGHT - BOTTOM;
    svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n",
        LEFT, bottom, WIDTH - RIGHT, bottom));
    svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n",
        LEFT, TOP, LEFT, bottom));
    for (int i = 0; i <= 5; i++) {
      double vx = maxX * i / 5;
      double vy = maxY * i / 5;
      svg.append(text(x(vx, maxX), bottom + 16, ReportWriter.fixed(vx, 0), "middle", 10));
      svg.append(text(LEFT - 6, y(vy, maxY) + 4, ReportWriter.fixed(vy, 0), "end", 10));
    }
    svg.append(text((LEFT + WIDTH - RIGHT) / 2.0, HEIGHT - 20, "throughput (requests/s)", "middle", 12));
    svg.append(String.format(Locale.ROOT, "<text x=\"18\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"12\" "
        + "transform=\"rotate(-90 18 %.1f)\">p99 latency (ms)</text>%n", (TOP + bottom) / 2.0, (TOP + bottom) / 2.0));
  }

  private static double x(double value, double max) {
    return LEFT + (WIDTH - LEFT - RIGHT) * value / max;
  }

  private static double y(double value, double max) {
    return HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * value / max;
  }

  /** The smallest 1, 2 or 5 times a power of ten at or above {@code v}. */
  static double niceMax(double v) {
    if (!(v > 0)) {
      return 1;
    }
    double power = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * power >= v) {
        return m * power;
      }
    }
    return 10 * power;
  }

  private static String text(double x, double y, String content, String anchor, int size) {
    return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\">%s</text>%n",
        x, y, anchor, size, escape(content));
  }

  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
