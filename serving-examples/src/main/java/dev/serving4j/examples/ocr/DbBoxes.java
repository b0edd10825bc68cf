package dev.serving4j.examples.ocr;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * DB post-processing (Differentiable Binarization, as in PaddleOCR's detector): a probability map in, axis-aligned
 * text boxes out. Pixels above {@code threshold} are joined into 8-connected regions; a region whose mean probability
 * reaches {@code boxThreshold} and whose sides are at least 3 pixels is a text kernel. DB trains on kernels shrunk
 * from the real text, so each box is grown back ("unclipped") by {@code area * unclipRatio / perimeter} on every
 * side, then scaled from the map to the source image.
 *
 * <p>Boxes are axis-aligned: enough for horizontal and upside-down lines; slanted text would need rotated
 * rectangles (a minimum-area rectangle per region), which this example leaves out.
 */
final class DbBoxes {
  private final float threshold;
  private final float boxThreshold;
  private final double unclipRatio;

  DbBoxes(float threshold, float boxThreshold, double unclipRatio) {
    this.threshold = threshold;
    this.boxThreshold = boxThreshold;
    this.unclipRatio = unclipRatio;
  }

  /**
   * The boxes in a {@code width x height} region of a map whose rows are {@code stride} floats long, starting at
   * {@code offset}; coordinates are scaled by {@code sx}, {@code sy} and clipped to {@code maxX x maxY}.
   */
  List<TextDetector.TextBox> boxes(float[] map, int offset, int stride, int width, int height, double sx, double sy,
      int maxX, int maxY) {
    boolean[] seen = new boolean[width * height];
    int[] stack = new int[width * height];
    List<TextDetector.TextBox> boxes = new ArrayList<>();
    for (int start = 0; start < width * height; start++) {
      if (seen[start] || map[offset + (start / width) * stride + start % width] <= threshold) {
        continue;
      }
      int minX = width;
      int minY = height;
      int maxXr = -1;
      int maxYr = -1;
      double sum = 0;
      int count = 0;
      int top = 0;
      stack[top++] = start;
      seen[start] = true;
      while (top > 0) {
        int p = stack[--top];
        int x = p % width;
        int y = p / width;
        sum += map[offset + y * stride + x];
        count++;
        minX = Math.min(minX, x);
        maxXr = Math.max(maxXr, x);
        minY = Math.min(minY, y);
        maxYr = Math.max(maxYr, y);
        for (int dy = -1; dy <= 1; dy++) {
          for (int dx = -1; dx <= 1; dx++) {
            int nx = x + dx;
            int ny = y + dy;
            int q = ny * width + nx;
            if (nx >= 0 && ny >= 0 && nx < width && ny < height && !seen[q]
                && map[offset + ny * stride + nx] > threshold) {
              seen[q] = true;
              stack[top++] = q;
            }
          }
        }
      }
      int w = maxXr - minX + 1;
      int h = maxYr - minY + 1;
      float score = (float) (sum / count);
      if (Math.min(w, h) >= 3 && score >= boxThreshold) {
        double grow = (double) w * h * unclipRatio / (2.0 * (w + h));
        boxes.add(box(minX - grow, minY - grow, maxXr + 1 + grow, maxYr + 1 + grow, sx, sy, maxX, maxY, score));
      }
    }
    boxes.sort(Comparator.comparingInt(TextDetector.TextBox::y).thenComparingInt(TextDetector.TextBox::x));
    return boxes;
  }

  private static TextDetector.TextBox box(double x0, double y0, double x1, double y1, double sx, double sy,
      int maxX, int maxY, float score) {
    int left = (int) Math.max(0, Math.floor(x0 * sx));
    int top = (int) Math.max(0, Math.floor(y0 * sy));
    int right = (int) Math.min(maxX, Math.ceil(x1 * sx));
    int bottom = (int) Math.min(maxY, Math.ceil(y1 * sy));
    return new TextDetector.TextBox(left, top, right - left, bottom - top, score);
  }
}
