package dev.serving4j.examples.ocr;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class CtcDecoderTest {
  private final CtcDecoder decoder = new CtcDecoder(List.of("<blank>", "a", "b", " "));

  /** One-hot rows: each step's most likely class, with probability 0.9. */
  private static float[] steps(int... classes) {
    float[] probs = new float[classes.length * 4];
    for (int t = 0; t < classes.length; t++) {
      for (int c = 0; c < 4; c++) {
        probs[t * 4 + c] = c == classes[t] ? 0.9f : 0.1f / 3;
      }
    }
    return probs;
  }

  @Test
  void repeatsCollapseAndBlanksSeparateRealRepeats() {
    assertEquals("aab", decoder.decode(steps(1, 1, 0, 1, 2, 2, 0), 0, 7, 7).text());
  }

  @Test
  void onlyTheItemsOwnStepsAreDecodedNotItsPadding() {
    assertEquals("a", decoder.decode(steps(1, 0, 2, 2), 0, 4, 2).text());
  }

  @Test
  void eachItemIsReadFromItsOwnRows() {
    assertEquals("b", decoder.decode(steps(1, 0, 2, 0), 1, 2, 2).text());
  }

  @Test
  void spacesAtEitherEndAreDroppedButNotInside() {
    assertEquals("a b", decoder.decode(steps(3, 1, 3, 2, 3), 0, 5, 5).text());
  }

  @Test
  void confidenceIsTheMeanProbabilityOfTheKeptCharacters() {
    assertEquals(0.9f, decoder.decode(steps(1, 1, 2), 0, 3, 3).confidence(), 1e-6);
    assertEquals(1f, decoder.decode(steps(0, 0), 0, 2, 2).confidence());
  }
}
