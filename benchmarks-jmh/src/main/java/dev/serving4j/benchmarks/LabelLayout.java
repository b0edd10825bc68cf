package dev.serving4j.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Places chart labels so that none overlaps another, a marker or anything else the chart reserved. Each label is
 * tried at growing distances from its point in sixteen directions; the first box that stays inside the plot and
 * touches nothing taken wins (a label placed away from its point gets a leader line). A label that fits nowhere is
 * left out and reported, never drawn on top of another. Text widths are estimated from the character count, on the
 * generous side for a sans-serif font, so a browser's real glyphs fit inside the boxes.
 */
final class LabelLayout {
  /** Width of an average character, in ems (DejaVu Sans, the Debian default, averages about 0.55). */
  static final double CHAR_EM = 0.62;
  private static final double[] DISTANCES = {3, 8, 14, 22, 32, 44, 58, 74, 92, 112};
  private static final int DIRECTIONS = 16;
  private static final double LEADER_FROM = 10;

  private LabelLayout() {}

  /**
   * An axis-aligned rectangle in SVG coordinates (y grows downwards).
   *
   * @param x left edge
   * @param y top edge
   * @param width width
   * @param height height
   */
  record Box(double x, double y, double width, double height) {
    /** A square of side {@code 2 * radius} centred on a point: what a marker covers. */
    static Box around(double cx, double cy, double radius) {
      return new Box(cx - radius, cy - radius, 2 * radius, 2 * radius);
    }

    /** Whether the interiors intersect (touching edges do not count). */
    boolean overlaps(Box o) {
      return x < o.x + o.width && o.x < x + width && y < o.y + o.height && o.y < y + height;
    }

    boolean inside(Box outer) {
      return x >= outer.x && y >= outer.y && x + width <= outer.x + outer.width
          && y + height <= outer.y + outer.height;
    }
  }

  /**
   * A label wanted next to a point.
   *
   * @param text what it says
   * @param x the point's x
   * @param y the point's y
   * @param fontSize font size in px
   * @param clearance how far from the point the label must start (the marker's radius)
   */
  record Request(String text, double x, double y, double fontSize, double clearance) {}

  /**
   * A placed label: draw {@code text} with {@code text-anchor="start"} at ({@code box.x}, {@link #baseline()}).
   *
   * @param request what was asked for
   * @param box where the text goes
   * @param leader whether it sits far enough from its point to need a leader line
   */
  record Placed(Request request, Box box, boolean leader) {
    /** The text's baseline y. */
    double baseline() {
      return box.y() + box.height() * 0.8;
    }
  }

  /**
   * The outcome of a layout.
   *
   * @param placed the labels drawn
   * @param unplaced the labels that fit nowhere (the chart lists them instead)
   */
  record Result(List<Placed> placed, List<Request> unplaced) {}

  /** The box a label of {@code text} at {@code fontSize} takes, its top-left corner at the origin. */
  static Box textBox(String text, double fontSize) {
    return new Box(0, 0, text.length() * fontSize * CHAR_EM + 2, fontSize * 1.25);
  }

  /** Places {@code requests} in order (earlier ones get the better spots) inside {@code bounds}. */
  static Result place(List<Request> requests, Box bounds, List<Box> obstacles) {
    List<Box> taken = new ArrayList<>(obstacles);
    List<Placed> placed = new ArrayList<>();
    List<Request> unplaced = new ArrayList<>();
    for (Request r : requests) {
      Placed p = firstFree(r, bounds, taken);
      if (p == null) {
        unplaced.add(r);
      } else {
        placed.add(p);
        taken.add(p.box());
      }
    }
    requireNoOverlap(placed, obstacles);
    return new Result(placed, unplaced);
  }

  private static Placed firstFree(Request r, Box bounds, List<Box> taken) {
    Box size = textBox(r.text(), r.fontSize());
    for (double d : DISTANCES) {
      for (int i = 0; i < DIRECTIONS; i++) {
        double angle = -Math.PI / 4 + 2 * Math.PI * i / DIRECTIONS; // start up-right, the usual label spot
        Box box = at(r, size, d + r.clearance(), Math.cos(angle), -Math.sin(angle));
        if (box.inside(bounds) && taken.stream().noneMatch(box::overlaps)) {
          return new Placed(r, box, d >= LEADER_FROM);
        }
      }
    }
    return null;
  }

  /** The box whose nearest edge lies {@code distance} from the point in direction (dx, dy). */
  private static Box at(Request r, Box size, double distance, double dx, double dy) {
    double cx = r.x() + dx * (distance + size.width() / 2);
    double cy = r.y() + dy * (distance + size.height() / 2);
    return new Box(cx - size.width() / 2, cy - size.height() / 2, size.width(), size.height());
  }

  /**
   * Fails if two placed labels overlap, or a label overlaps an obstacle: the generator's own check, run on every
   * chart it draws.
   */
  static void requireNoOverlap(List<Placed> placed, List<Box> obstacles) {
    for (int i = 0; i < placed.size(); i++) {
      Placed a = placed.get(i);
      for (int j = i + 1; j < placed.size(); j++) {
        if (a.box().overlaps(placed.get(j).box())) {
          throw new IllegalStateException(String.format(Locale.ROOT, "chart labels '%s' and '%s' overlap",
              a.request().text(), placed.get(j).request().text()));
        }
      }
      for (Box o : obstacles) {
        if (a.box().overlaps(o)) {
          throw new IllegalStateException("chart label '" + a.request().text() + "' overlaps a marker at " + o);
        }
      }
    }
  }
}
