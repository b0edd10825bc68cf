package dev.serving4j.flink.bench;

import dev.serving4j.examples.Corpus;
import dev.serving4j.examples.ocr.OcrArchives;
import dev.serving4j.examples.ocr.OcrModels;
import dev.serving4j.examples.ocr.TextDirectionClassifier.Direction;
import dev.serving4j.examples.ocr.TextImages;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;

/**
 * PaddleOCR's direction classifier on lines of text as a stream carries them, PNG bytes: the examples' archive
 * ({@link OcrArchives#classifier}, the {@code TextDirectionClassifier} handler, no serving configuration) against
 * {@link RawDirectionClassifier}. The lines are corpus sentences cut to 2..12 words, rendered in three fonts of 20
 * to 32 points (so widths vary before the 48 x 192 resize), every second one turned by 180°; record {@code i} is
 * line {@code i % 96}. Both sides decode and preprocess every record.
 */
final class DirectionWorkload implements BenchWorkload<byte[], Direction> {
  private static final int LINES = 96;
  private static final List<Font> FONTS = List.of(new Font(Font.SANS_SERIF, Font.PLAIN, 28),
      new Font(Font.SERIF, Font.PLAIN, 32), new Font(Font.MONOSPACED, Font.PLAIN, 20));
  private static final JvmShared<RawDirectionClassifier> CLASSIFIER = new JvmShared<>(RawDirectionClassifier::new);

  @Override
  public String name() {
    return "ocr-cls";
  }

  @Override
  public Path archive(Path directory) {
    if (!OcrModels.present()) {
      throw new IllegalStateException("workload ocr-cls needs the PaddleOCR files in " + OcrModels.directory()
          + " (run .ci/fetch-ocr-models, or set -D" + OcrModels.PROPERTY + ")");
    }
    return OcrArchives.classifier(directory.resolve("ocr-cls"));
  }

  @Override
  public List<byte[]> records(int count) {
    List<byte[]> lines = lines();
    List<byte[]> records = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      records.add(lines.get(i % lines.size()));
    }
    return records;
  }

  @Override
  public Class<Direction> outputType() {
    return Direction.class;
  }

  @Override
  public RichMapFunction<byte[], Direction> sharedSessionMap() {
    return new ClassifyMap();
  }

  /** The {@link #LINES} rendered lines as PNG bytes, every odd one upside down. */
  static List<byte[]> lines() {
    List<byte[]> lines = new ArrayList<>(LINES);
    List<Corpus.Sentence> corpus = Corpus.load().sentences();
    for (int i = 0; lines.size() < LINES && i < corpus.size(); i++) {
      String[] words = corpus.get(i).text().trim().split("\\s+");
      int keep = Math.min(words.length, 2 + lines.size() * 7 % 11);
      if (keep >= 2) {
        BufferedImage line = TextImages.line(String.join(" ", Arrays.copyOf(words, keep)),
            FONTS.get(lines.size() % FONTS.size()));
        lines.add(png(lines.size() % 2 == 1 ? TextImages.rotate180(line) : line));
      }
    }
    return lines;
  }

  private static byte[] png(BufferedImage image) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** One line per ONNX Runtime run, on the JVM's shared session. */
  static final class ClassifyMap extends RichMapFunction<byte[], Direction> {
    private transient RawDirectionClassifier classifier;

    @Override
    public void open(OpenContext context) throws Exception {
      classifier = CLASSIFIER.acquire();
    }

    @Override
    public Direction map(byte[] image) throws Exception {
      return classifier.classify(image);
    }

    @Override
    public void close() throws Exception {
      if (classifier != null) {
        classifier = null;
        CLASSIFIER.release();
      }
    }
  }
}
