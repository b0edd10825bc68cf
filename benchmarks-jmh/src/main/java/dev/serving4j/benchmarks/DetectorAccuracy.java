package dev.serving4j.benchmarks;

import dev.serving4j.ModelClient;
import dev.serving4j.ModelServer;
import dev.serving4j.examples.ocr.OcrArchives;
import dev.serving4j.examples.ocr.TextDetector.TextBox;
import dev.serving4j.examples.ocr.TextImages;
import java.awt.Rectangle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * What quantization costs the detector: on the bench's own pages ({@link DetectorPages}), how many rendered lines
 * each optimization finds as a box overlapping the line's true box by IoU &gt;= 0.5, the mean IoU of each line's
 * best box (how tight the boxes are), and how many boxes it reports in all. The bench's {@code cosine} column means nothing for boxes; this is the detector's accuracy figure.
 *
 * <pre>{@code
 * java -cp benchmarks-jmh/target/benchmarks.jar dev.serving4j.benchmarks.DetectorAccuracy
 * }</pre>
 */
final class DetectorAccuracy {
  /** Least IoU for a box to count as finding a line. */
  static final double MIN_IOU = 0.5;

  /** Where the held-out pages' text starts: past the words the 32 bench pages use. */
  private static final int HELD_OUT = 1_000;

  private DetectorAccuracy() {}

  /**
   * Lines found and boxes reported on the pages.
   *
   * @param optimization {@code fp32} or {@code quantized}
   * @param lines lines on the pages
   * @param found lines matched by a box with IoU &gt;= {@link #MIN_IOU}
   * @param meanIou mean over the lines of the best IoU any box has with the line
   * @param boxes boxes reported in all
   */
  record Score(String optimization, int lines, int found, double meanIou, int boxes) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%s: %d of %d lines found with IoU >= %.1f (recall %.3f), mean best IoU "
          + "%.3f, %d boxes", optimization, found, lines, MIN_IOU, found / (double) lines, meanIou, boxes);
    }
  }

  /** Serves {@code optimization}'s archive with serving4j's defaults and scores it on {@code pages}. */
  @SuppressWarnings("unchecked")
  static Score score(String optimization, List<TextImages.Page> pages, Path workDir) {
    try (ModelServer server = ModelServer.builder().build()) {
      server.register(DetectorPages.archive(workDir, optimization));
      ModelClient<Object, List<TextBox>> detector = (ModelClient<Object, List<TextBox>>) (ModelClient<?, ?>)
          server.client(OcrArchives.DETECTOR, Object.class, List.class);
      int lines = 0;
      int found = 0;
      int boxes = 0;
      double iouSum = 0;
      for (TextImages.Page page : pages) {
        List<TextBox> detected = detector.predict(page.image()).join();
        boxes += detected.size();
        for (Rectangle line : page.lines()) {
          double best = detected.stream().mapToDouble(b -> iou(line, b)).max().orElse(0);
          lines++;
          found += best >= MIN_IOU ? 1 : 0;
          iouSum += best;
        }
      }
      return new Score(optimization, lines, found, iouSum / lines, boxes);
    }
  }

  static double iou(Rectangle truth, TextBox box) {
    Rectangle found = new Rectangle(box.x(), box.y(), box.width(), box.height());
    Rectangle both = truth.intersection(found);
    double overlap = both.isEmpty() ? 0 : (double) both.width * both.height;
    return overlap / ((double) truth.width * truth.height + (double) found.width * found.height - overlap);
  }

  /**
   * Prints each optimization's score (the quantized one only when its model file exists) on the bench's pages,
   * which also calibrated the quantization, and on as many pages of other text, which did not.
   */
  public static void main(String[] args) {
    Path workDir = MiniLm.defaultDirectory();
    boolean quantized = Files.isRegularFile(dev.serving4j.examples.ocr.OcrModels.file(DetectorPages.QUANTIZED_FILE));
    for (int firstWord : new int[] {0, HELD_OUT}) {
      List<TextImages.Page> pages = DetectorPages.pages(firstWord);
      String set = firstWord == 0 ? "bench pages (calibration set)" : "held-out pages (corpus words from "
          + HELD_OUT + ")";
      System.out.println(set + ", " + score("fp32", pages, workDir));
      System.out.println(set + ", " + (quantized ? score("quantized", pages, workDir)
          : "quantized: no " + DetectorPages.QUANTIZED_FILE + " (see benchmarks-jmh/scripts)"));
    }
  }
}
