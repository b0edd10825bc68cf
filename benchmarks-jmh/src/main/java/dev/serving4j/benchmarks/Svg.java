package dev.serving4j.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Small SVG-writing helpers shared by the report's charts: text, lines, escaping and the axes' scales. */
final class Svg {
  /** Categorical colours, distinguishable in print and by most colour-blind readers (no green: the ring is). */
  static final List<String> PALETTE = List.of("#1f77b4", "#e6550d", "#7b4fb0", "#8c564b", "#d62788", "#17becf",
      "#7f7f7f", "#bcbd22");
  /** The colour of the chosen point's ring and curve. */
  static final String CHOSEN = "#0a8a0a";

  private Svg() {}

  static String open(int width, int height, String title) {
    return String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
        + "viewBox=\"0 0 %d %d\" font-family=\"DejaVu Sans, Arial, sans-serif\" font-size=\"11\" role=\"img\">%n"
        + "<title>%s</title>%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n",
        width, height, width, height, escape(title));
  }

  static String text(double x, double y, String content, String anchor, double size, String extra) {
    return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%.0f\"%s>%s"
        + "</text>%n", x, y, anchor, size, extra.isEmpty() ? "" : " " + extra, escape(content));
  }

  static String line(double x1, double y1, double x2, double y2, String style) {
    return String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" %s/>%n", x1, y1, x2,
        y2, style);
  }

  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  /** A marker of one of five shapes centred on (x, y), radius r. */
  static String marker(int shape, double x, double y, double r, String fill, String extra) {
    String attrs = "fill=\"" + fill + "\" stroke=\"white\" stroke-width=\"0.8\"" + (extra.isEmpty() ? "" : " " + extra);
    return switch (shape % 5) {
      case 1 -> String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" %s/>",
          x - r * 0.9, y - r * 0.9, r * 1.8, r * 1.8, attrs);
      case 2 -> polygon(attrs, x, y - r * 1.15, x + r * 1.1, y + r * 0.8, x - r * 1.1, y + r * 0.8);
      case 3 -> polygon(attrs, x, y - r * 1.2, x + r * 1.2, y, x, y + r * 1.2, x - r * 1.2, y);
      case 4 -> polygon(attrs, x - r * 1.1, y - r * 0.8, x + r * 1.1, y - r * 0.8, x, y + r * 1.15);
      default -> String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" %s/>", x, y, r, attrs);
    };
  }

  private static String polygon(String attrs, double... xy) {
    StringBuilder points = new StringBuilder();
    for (int i = 0; i < xy.length; i += 2) {
      points.append(String.format(Locale.ROOT, "%s%.1f,%.1f", i == 0 ? "" : " ", xy[i], xy[i + 1]));
    }
    return "<polygon points=\"" + points + "\" " + attrs + "/>";
  }

  /**
   * A base-10 logarithmic scale from {@code min} to {@code max} onto pixels {@code from}..{@code to}.
   *
   * @param min lowest value shown, 1, 2 or 5 times a power of ten
   * @param max highest value shown, 1, 2 or 5 times a power of ten
   * @param from pixel of {@code min}
   * @param to pixel of {@code max}
   */
  record LogScale(double min, double max, double from, double to) {
    /** The nearest 1-2-5 steps around {@code low}..{@code high}, with a little room on both sides. */
    static LogScale around(double low, double high, double from, double to) {
      double lo = step(Math.max(low * 0.85, 1e-3), false);
      double hi = step(Math.max(high * 1.15, lo * 10), true);
      return new LogScale(lo, hi, from, to);
    }

    /** The 1-2-5 step just above (or below) {@code v}. */
    private static double step(double v, boolean up) {
      double power = Math.pow(10, Math.floor(Math.log10(v)));
      double[] steps = {1, 2, 5, 10};
      if (up) {
        for (double m : steps) {
          if (m * power >= v) {
            return m * power;
          }
        }
      }
      for (int i = steps.length - 1; i >= 0; i--) {
        if (steps[i] * power <= v) {
          return steps[i] * power;
        }
      }
      return power;
    }

    double at(double v) {
      double f = (Math.log10(Math.max(v, min)) - Math.log10(min)) / (Math.log10(max) - Math.log10(min));
      return from + (to - from) * f;
    }

    /** Tick values: 1, 2 and 5 times each power of ten in range. */
    List<Double> ticks() {
      List<Double> ticks = new ArrayList<>();
      for (double p = Math.pow(10, Math.floor(Math.log10(min) + 1e-9)); p <= max * 1.0001; p *= 10) {
        for (double m : new double[] {1, 2, 5}) {
          if (m * p >= min * 0.9999 && m * p <= max * 1.0001) {
            ticks.add(m * p);
          }
        }
      }
      return ticks;
    }
  }

  /**
   * A linear scale from 0 to a round maximum with round ticks.
   *
   * @param max the axis' end, a multiple of {@code step}
   * @param step distance between ticks
   * @param from pixel of 0
   * @param to pixel of {@code max}
   */
  record LinearScale(double max, double step, double from, double to) {
    /** A scale from 0 to just past {@code high}, about five to eight ticks. */
    static LinearScale upTo(double high, double from, double to) {
      double target = Math.max(high, 1e-9) * 1.04;
      double power = Math.pow(10, Math.floor(Math.log10(target / 6)));
      double step = power;
      for (double m : new double[] {1, 2, 2.5, 5, 10}) {
        step = m * power;
        if (target / step <= 8) {
          break;
        }
      }
      return new LinearScale(Math.ceil(target / step) * step, step, from, to);
    }

    double at(double v) {
      return from + (to - from) * v / max;
    }
  }

  /** A tick label: whole numbers as such, others with as few decimals as they need. */
  static String tick(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%s", (float) v);
  }
}
