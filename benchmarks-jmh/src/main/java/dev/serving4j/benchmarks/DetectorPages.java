package dev.serving4j.benchmarks;

import dev.serving4j.examples.Corpus;
import dev.serving4j.examples.ocr.OcrArchives;
import dev.serving4j.examples.ocr.OcrModels;
import dev.serving4j.examples.ocr.TextDetector;
import dev.serving4j.examples.ocr.TextImages;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * The text detector's bench workload (issue 17 §5, the seed's Mask R-CNN table redone on our detection model):
 * PaddleOCR v4's DB detector ({@link TextDetector}) as the built-in model {@value #MODEL}, fed rendered document
 * pages, the built-in input {@value #INPUT}.
 *
 * <p>Every page is exactly {@value #SIZE} x {@value #SIZE} pixels: black corpus text on white, as many lines as fit
 * (three fonts, 20 to 32 points, each line cut to the page's width), so every request costs the same and the
 * detector's input is {@code [n, 3, 320, 320]} unchanged (a multiple of 32, under its 960-pixel limit). 320 rather
 * than 640: ONNX Runtime alone runs one 320 x 320 page in 26-31 ms on one core of the development machine, a
 * 640 x 640 page in 175-198 ms, which alone would miss a 100 ms p99 SLA at batch 1
 * ({@code docs/benchmarks/detector/raw-ort-timing.txt}).
 *
 * <p>The {@code quantized} optimization is the same model quantized to int8 by ONNX Runtime's static quantization
 * tooling ({@code benchmarks-jmh/scripts/quantize-ocr-detector}), read from {@value #QUANTIZED_FILE} beside the
 * PaddleOCR files ({@link OcrModels#directory()}). Run this class's {@code main} to write the pages as PNG files,
 * which that script uses as calibration data.
 */
final class DetectorPages {
  /** The plan's {@code model} naming the detector archive. */
  static final String MODEL = "ocr:det";

  /** The plan's {@code input} naming the rendered pages. */
  static final String INPUT = "ocr:pages";

  /** Width and height of every page, in pixels. */
  static final int SIZE = 320;

  /** Pages rendered; request {@code i} sends page {@code i % PAGES}. */
  static final int PAGES = 32;

  /** File name of the int8 detector, written by the quantization script into {@link OcrModels#directory()}. */
  static final String QUANTIZED_FILE = "ch_PP-OCRv4_det_infer.int8.onnx";

  private static final int MARGIN = 16;
  private static final int GAP = 12;
  private static final List<Font> FONTS = List.of(new Font(Font.SANS_SERIF, Font.PLAIN, 24),
      new Font(Font.SERIF, Font.PLAIN, 32), new Font(Font.MONOSPACED, Font.PLAIN, 20));

  private DetectorPages() {}

  /** The {@link #PAGES} pages, in a fixed order, each with its lines' boxes (the ground truth). */
  static List<TextImages.Page> pages() {
    return pages(0);
  }

  /**
   * {@link #PAGES} pages whose text starts at corpus word {@code firstWord}: {@link #pages()} starts at 0, so
   * other starts give pages the quantization was not calibrated on.
   */
  static List<TextImages.Page> pages(int firstWord) {
    List<String> words = words();
    List<TextImages.Page> pages = new ArrayList<>(PAGES);
    int next = firstWord;
    for (int p = 0; p < PAGES; p++) {
      List<String> lines = new ArrayList<>();
      List<Font> fonts = new ArrayList<>();
      int height = 2 * MARGIN;
      for (int i = 0; ; i++) {
        Font font = FONTS.get((p + i) % FONTS.size());
        FontMetrics m = metrics(font);
        if (height + m.getHeight() + 2 * MARGIN > SIZE) {
          break;
        }
        StringBuilder line = new StringBuilder(words.get(next++ % words.size()));
        while (m.stringWidth(line + " " + words.get(next % words.size())) <= SIZE - 3 * MARGIN) {
          line.append(' ').append(words.get(next++ % words.size()));
        }
        lines.add(line.toString());
        fonts.add(font);
        height += m.getHeight() + GAP;
      }
      pages.add(onSquare(TextImages.page(lines, fonts, SIZE, GAP)));
    }
    return pages;
  }

  /** The pages' images, the input set {@value #INPUT}. */
  static List<BufferedImage> images() {
    return pages().stream().map(TextImages.Page::image).toList();
  }

  /**
   * The detector archive (the example handler, no config) for {@code fp32} or {@code quantized}, written under
   * {@code directory} the first time and kept.
   */
  static synchronized Path archive(Path directory, String optimization) {
    requireModels();
    boolean quantized = optimization.equals("quantized");
    Path target = directory.resolve(quantized ? "ocr-det-int8-archive" : "ocr-det-archive");
    if (Files.isRegularFile(target.resolve("MANIFEST.json"))) {
      return target;
    }
    if (!quantized) {
      return OcrArchives.detector(target);
    }
    quantizedModel(); // fails with how to make it when missing
    return OcrArchives.builder(OcrArchives.DETECTOR, TextDetector.class, QUANTIZED_FILE)
        .description("PaddleOCR v4 text detector, int8 (ONNX Runtime static quantization) with TextDetector")
        .writeDirectory(target);
  }

  /** The int8 detector's path; an error saying how to make it when it is missing. */
  static Path quantizedModel() {
    Path file = OcrModels.file(QUANTIZED_FILE);
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException("optimization 'quantized' of model " + MODEL + " needs " + file
          + "; make it with benchmarks-jmh/scripts/quantize-ocr-detector (see docs/tuning.md)");
    }
    return file;
  }

  /** TextImages lays the lines out on a page as tall as they need; the bench wants every page the same size. */
  private static TextImages.Page onSquare(TextImages.Page page) {
    BufferedImage square = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = square.createGraphics();
    g.setColor(java.awt.Color.WHITE);
    g.fillRect(0, 0, SIZE, SIZE);
    g.drawImage(page.image(), 0, 0, null);
    g.dispose();
    return new TextImages.Page(square, page.lines());
  }

  private static List<String> words() {
    List<String> words = new ArrayList<>();
    for (Corpus.Sentence s : Corpus.load().sentences()) {
      for (String w : s.text().trim().split("\\s+")) {
        if (w.length() <= 12) {
          words.add(w);
        }
      }
      if (words.size() >= 2_000) {
        break;
      }
    }
    return words;
  }

  private static FontMetrics metrics(Font font) {
    Graphics2D g = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
    try {
      g.setRenderingHint(java.awt.RenderingHints.KEY_TEXT_ANTIALIASING,
          java.awt.RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      return g.getFontMetrics(font);
    } finally {
      g.dispose();
    }
  }

  private static void requireModels() {
    if (!OcrModels.present()) {
      throw new IllegalStateException("model " + MODEL + " needs the PaddleOCR files in "
          + OcrModels.directory() + " (run .ci/fetch-ocr-models, or set -D" + OcrModels.PROPERTY + ")");
    }
  }

  /**
   * Writes the pages as {@code page-00.png} ... into the folder given as the only argument (the quantization
   * script's calibration data; also usable as a folder {@code input}).
   */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: DetectorPages OUTPUT_FOLDER");
    }
    Path dir = Files.createDirectories(Path.of(args[0]));
    List<BufferedImage> images = images();
    for (int i = 0; i < images.size(); i++) {
      Path file = dir.resolve(String.format(Locale.ROOT, "page-%02d.png", i));
      if (!ImageIO.write(images.get(i), "png", file.toFile())) {
        throw new UncheckedIOException(new IOException("no PNG writer for " + file));
      }
    }
    System.out.println("wrote " + images.size() + " pages of " + SIZE + "x" + SIZE + " to " + dir);
  }
}
