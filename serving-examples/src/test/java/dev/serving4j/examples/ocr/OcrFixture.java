package dev.serving4j.examples.ocr;

import dev.serving4j.examples.Corpus;
import java.awt.Font;
import java.util.ArrayList;
import java.util.List;

/** Ground truth for the OCR tests: short English lines from the examples' corpus, and the fonts to render them. */
final class OcrFixture {
  /** The three logical fonts at sizes typical of a scanned page. */
  static final List<Font> FONTS = List.of(new Font(Font.SANS_SERIF, Font.PLAIN, 28),
      new Font(Font.SERIF, Font.PLAIN, 30), new Font(Font.MONOSPACED, Font.PLAIN, 24));

  private OcrFixture() {}

  /** The tests' condition: the PaddleOCR files are where {@link OcrModels} looks. */
  static boolean modelsPresent() {
    return OcrModels.present();
  }

  /** {@code count} lines of 3 to 7 words, the openings of every seventh corpus sentence. */
  static List<String> lines(int count) {
    Corpus corpus = Corpus.load();
    List<String> lines = new ArrayList<>();
    for (int i = 0; lines.size() < count; i += 7) {
      String[] words = corpus.text(i % corpus.size()).split("\\s+");
      int n = Math.min(words.length, 3 + i % 5);
      lines.add(String.join(" ", java.util.Arrays.copyOf(words, n)));
    }
    return lines;
  }
}
