package dev.serving4j.benchmarks;

import dev.serving4j.examples.Corpus;
import dev.serving4j.examples.ocr.OcrArchives;
import dev.serving4j.examples.ocr.OcrModels;
import dev.serving4j.examples.ocr.TextImages;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The image workloads of the compare command (issue 14): PaddleOCR's direction classifier ({@code ocr:cls}) and text
 * recognizer ({@code ocr:rec}) on lines of corpus text rendered with Java2D, of mixed widths (2 to 12 words, three
 * fonts, 20 to 32 points). For {@code ocr:cls} every second line is turned by 180°, so half are upright.
 */
enum OcrWorkload {
  /** The direction classifier: fixed 48 x 192 input, so the hand-tuned layout batches up to 8. */
  CLS("ocr:cls", 8) {
    @Override
    Path write(Path target) {
      return OcrArchives.classifier(target);
    }
  },
  /** The recognizer: 48 x W input, padding to the widest line costs, so the hand-tuned layout runs batches of 1. */
  REC("ocr:rec", 1) {
    @Override
    Path write(Path target) {
      return OcrArchives.recognizer(target);
    }
  };

  /** Lines rendered per workload; request {@code i} sends line {@code i % LINES}. */
  static final int LINES = 96;

  private static final List<Font> FONTS = List.of(new Font(Font.SANS_SERIF, Font.PLAIN, 28),
      new Font(Font.SERIF, Font.PLAIN, 32), new Font(Font.MONOSPACED, Font.PLAIN, 20));

  private final String workload;
  private final int handTunedBatchSize;

  OcrWorkload(String workload, int handTunedBatchSize) {
    this.workload = workload;
    this.handTunedBatchSize = handTunedBatchSize;
  }

  /** The workload's name on the command line. */
  String workload() {
    return workload;
  }

  /** {@code maxBatchSize} of the hand-tuned layout (two workers of one intra-op thread each). */
  int handTunedBatchSize() {
    return handTunedBatchSize;
  }

  /** The model file, from {@link OcrModels}. */
  Path modelFile() {
    return OcrModels.file(this == CLS ? OcrModels.CLASSIFIER : OcrModels.RECOGNIZER);
  }

  /**
   * The archive (the example handler, no config) at {@code directory/ocr-cls-archive} or {@code ocr-rec-archive},
   * written the first time and kept (as {@link MiniLm} keeps its files), shared by the implementations that serve it.
   */
  synchronized Path archive(Path directory) {
    Path target = directory.resolve("ocr-" + name().toLowerCase(java.util.Locale.ROOT) + "-archive");
    return Files.isRegularFile(target.resolve("MANIFEST.json")) ? target : write(target);
  }

  /** Writes the archive as a directory at {@code target}. */
  abstract Path write(Path target);

  /** The rendered lines, in a fixed order. */
  List<BufferedImage> images() {
    if (!OcrModels.present()) {
      throw new IllegalStateException("workload " + workload + " needs the PaddleOCR files in "
          + OcrModels.directory() + " (run .ci/fetch-ocr-models, or set -D" + OcrModels.PROPERTY + ")");
    }
    List<BufferedImage> lines = new ArrayList<>(LINES);
    List<String> texts = texts();
    for (int i = 0; i < LINES; i++) {
      BufferedImage line = TextImages.line(texts.get(i), FONTS.get(i % FONTS.size()));
      lines.add(this == CLS && i % 2 == 1 ? TextImages.rotate180(line) : line);
    }
    return lines;
  }

  /** {@link #LINES} texts from the corpus, cut to 2..12 words so the rendered widths vary. */
  static List<String> texts() {
    List<String> texts = new ArrayList<>(LINES);
    List<Corpus.Sentence> sentences = Corpus.load().sentences();
    for (int i = 0; texts.size() < LINES && i < sentences.size(); i++) {
      String[] words = sentences.get(i).text().trim().split("\\s+");
      int keep = Math.min(words.length, 2 + texts.size() * 7 % 11);
      if (keep >= 2) {
        texts.add(String.join(" ", java.util.Arrays.copyOf(words, keep)));
      }
    }
    return texts;
  }

  /** The workload named {@code name}, or null when it is not an OCR workload. */
  static OcrWorkload named(String name) {
    for (OcrWorkload w : values()) {
      if (w.workload.equals(name)) {
        return w;
      }
    }
    return null;
  }
}
