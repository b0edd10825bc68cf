package dev.serving4j.examples.ocr;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.serving4j.examples.ocr.TextDetector.TextBox;
import java.util.List;
import org.junit.jupiter.api.Test;

class DbBoxesTest {
  private final DbBoxes db = new DbBoxes(0.3f, 0.6f, 1.5);

  /** A {@code w x h} map, 0 except {@code value} in the rectangle [x0, x1) x [y0, y1). */
  private static float[] map(int w, int h, float value, int x0, int y0, int x1, int y1) {
    float[] m = new float[w * h];
    for (int y = y0; y < y1; y++) {
      for (int x = x0; x < x1; x++) {
        m[y * w + x] = value;
      }
    }
    return m;
  }

  @Test
  void aKernelIsGrownBackByAreaTimesRatioOverPerimeter() {
    // a 10 x 4 kernel grows by 40 * 1.5 / 28 = 2.14 pixels a side: [2.86, 17.14) x [0.86, 9.14), rounded outwards
    List<TextBox> boxes = db.boxes(map(20, 10, 0.9f, 5, 3, 15, 7), 0, 20, 20, 10, 1, 1, 20, 10);
    assertEquals(List.of(new TextBox(2, 0, 16, 10, 0.9f)), boxes);
  }

  @Test
  void boxesAreScaledToTheSourceAndClippedToIt() {
    List<TextBox> boxes = db.boxes(map(20, 10, 0.9f, 5, 3, 15, 7), 0, 20, 20, 10, 2, 3, 30, 100);
    assertEquals(List.of(new TextBox(5, 2, 25, 26, 0.9f)), boxes);
  }

  @Test
  void faintOrThinRegionsAreNotText() {
    assertEquals(List.of(), db.boxes(map(20, 10, 0.5f, 5, 3, 15, 7), 0, 20, 20, 10, 1, 1, 20, 10), "mean < 0.6");
    assertEquals(List.of(), db.boxes(map(20, 10, 0.9f, 5, 3, 15, 5), 0, 20, 20, 10, 1, 1, 20, 10), "2 rows");
  }

  @Test
  void separateRegionsAreSeparateBoxesTopToBottom() {
    float[] m = map(20, 20, 0.9f, 2, 12, 10, 16);
    float[] upper = map(20, 20, 0.8f, 2, 2, 10, 6);
    for (int i = 0; i < m.length; i++) {
      m[i] = Math.max(m[i], upper[i]);
    }
    List<TextBox> boxes = db.boxes(m, 0, 20, 20, 20, 1, 1, 20, 20);
    assertEquals(2, boxes.size());
    assertEquals(0.8f, boxes.get(0).score());
    assertEquals(0.9f, boxes.get(1).score());
  }

  @Test
  void onlyTheItemsOwnPartOfAPaddedMapIsSearched() {
    float[] m = map(20, 10, 0.9f, 12, 3, 18, 7); // text only in what is padding for a 10-pixel-wide item
    assertEquals(List.of(), db.boxes(m, 0, 20, 10, 10, 1, 1, 10, 10));
  }
}
