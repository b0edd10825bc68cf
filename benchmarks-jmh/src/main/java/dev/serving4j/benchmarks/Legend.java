package dev.serving4j.benchmarks;

import java.util.List;
import java.util.Locale;

/**
 * The chart's encoding: a colour per optimization and a marker shape per worker count, in the order they first
 * appear sorted, and the key that explains them.
 *
 * @param optimizations the optimizations, each given {@link Svg#PALETTE} colours in turn
 * @param workers the worker counts, sorted, each given a shape in turn (0: zero-config's default)
 */
record Legend(List<String> optimizations, List<Integer> workers) {
  /** The encoding of {@code rows}. */
  static Legend of(List<Measurement> rows) {
    return new Legend(rows.stream().map(m -> m.combination().optimization()).distinct().toList(),
        rows.stream().map(m -> m.combination().workers()).distinct().sorted().toList());
  }

  String colour(Measurement m) {
    return Svg.PALETTE.get(optimizations.indexOf(m.combination().optimization()) % Svg.PALETTE.size());
  }

  int shape(Measurement m) {
    return workers.indexOf(m.combination().workers());
  }

  /** Draws the key in a column starting at (x, y). */
  void draw(StringBuilder svg, double x, double y, boolean sla, boolean chosen) {
    double row = encoding(svg, x, y) + 28;
    row = lines(svg, x, row, sla, chosen) + 26;
    svg.append(Svg.text(x, row, "hover a marker for its figures", "start", 10, "fill=\"#666\""));
  }

  /** The colour and shape keys; returns the last row's y. */
  private double encoding(StringBuilder svg, double x, double y) {
    double row = y;
    svg.append(Svg.text(x, row, "colour: optimization", "start", 11, "font-weight=\"bold\""));
    for (String o : optimizations) {
      row += 18;
      svg.append(Svg.marker(0, x + 6, row - 4, 5, Svg.PALETTE.get(optimizations.indexOf(o) % Svg.PALETTE.size()), ""));
      svg.append(Svg.text(x + 18, row, o, "start", 11, ""));
    }
    row += 28;
    svg.append(Svg.text(x, row, "shape: workers", "start", 11, "font-weight=\"bold\""));
    for (int w : workers) {
      row += 18;
      svg.append(Svg.marker(workers.indexOf(w), x + 6, row - 4, 5, "#555", ""));
      svg.append(Svg.text(x + 18, row, w == 0 ? "zero-config default" : w + (w == 1 ? " worker" : " workers"),
          "start", 11, ""));
    }
    return row;
  }

  /** The keys of the frontier, the SLA and the ring; returns the last row's y. */
  private static double lines(StringBuilder svg, double x, double y, boolean sla, boolean chosen) {
    double row = y;
    svg.append(Svg.line(x, row - 4, x + 14, row - 4, "stroke=\"#555\" stroke-width=\"1.3\" stroke-dasharray=\"2,3\""));
    svg.append(Svg.text(x + 18, row, "Pareto frontier (labelled)", "start", 11, ""));
    if (sla) {
      row += 18;
      svg.append(Svg.line(x, row - 4, x + 14, row - 4,
          "stroke=\"#c00\" stroke-width=\"1.5\" stroke-dasharray=\"7,4\""));
      svg.append(Svg.text(x + 18, row, "p99 SLA", "start", 11, ""));
      row += 18;
      svg.append(Svg.marker(0, x + 6, row - 4, 4, "#888", "fill-opacity=\"0.45\""));
      svg.append(Svg.text(x + 18, row, "faded: misses the SLA", "start", 11, ""));
    }
    if (chosen) {
      row += 18;
      svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"6\" fill=\"none\" stroke=\"%s\" "
          + "stroke-width=\"2.5\"/>%n", x + 6, row - 4, Svg.CHOSEN));
      svg.append(Svg.text(x + 18, row, "chosen: best under the SLA", "start", 11, ""));
    }
    return row;
  }
}
