package dev.serving4j.examples.ocr;

import java.util.List;

/**
 * Greedy CTC decoding: the most likely class at each time step, repeats collapsed, blanks (class 0) dropped. The
 * confidence is the mean probability of the kept steps (1 for an empty line, which has no step to doubt). Spaces
 * at either end are dropped: the model reads a crop's white margin as a space, which no line means to start or end
 * with.
 */
final class CtcDecoder {
  private final List<String> classes;

  /** {@code classes.get(0)} is the blank. */
  CtcDecoder(List<String> classes) {
    this.classes = List.copyOf(classes);
  }

  int size() {
    return classes.size();
  }

  /**
   * Decodes the first {@code steps} time steps of item {@code item} in {@code probs}, a row-major
   * {@code [items, stepsPerItem, classes]} array.
   */
  TextRecognizer.Text decode(float[] probs, int item, int stepsPerItem, int steps) {
    StringBuilder text = new StringBuilder();
    double sum = 0;
    int kept = 0;
    int previous = 0;
    int n = classes.size();
    for (int t = 0; t < steps; t++) {
      int base = (item * stepsPerItem + t) * n;
      int best = 0;
      for (int c = 1; c < n; c++) {
        if (probs[base + c] > probs[base + best]) {
          best = c;
        }
      }
      if (best != 0 && best != previous) {
        text.append(classes.get(best));
        sum += probs[base + best];
        kept++;
      }
      previous = best;
    }
    return new TextRecognizer.Text(text.toString().strip(), kept == 0 ? 1f : (float) (sum / kept));
  }
}
