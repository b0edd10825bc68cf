package dev.serving4j.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.serving4j.examples.ocr.TextDirectionClassifier.Direction;
import dev.serving4j.examples.ocr.TextRecognizer.Text;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * Raw ONNX Runtime and serving4j with no config give the same answers on the OCR workloads: the two sides of the
 * compare do the same work. Runs only where the PaddleOCR files are ({@code dev.serving4j.examples.ocr.OcrModels}).
 */
@EnabledIf("dev.serving4j.examples.ocr.OcrModels#present")
class OcrImplementationsWhenOcrModelsArePresentTest {
  private static final int LINES = 6;

  @TempDir
  Path work;

  @Test
  void rawOrtFindsTheSameDirectionsAsTheHandler() throws Exception {
    List<BufferedImage> lines = OcrWorkload.CLS.images().subList(0, LINES);
    try (Implementation raw = EmbedderType.RAW_ORT.open("ocr:cls", work);
        Implementation served = EmbedderType.SERVING4J_ZERO_CONFIG.open("ocr:cls", work)) {
      for (BufferedImage line : lines) {
        Direction a = (Direction) raw.call(line);
        Direction b = (Direction) served.call(line);
        assertEquals(b.rotated(), a.rotated());
        assertEquals(b.probabilityRotated(), a.probabilityRotated(), 1e-4);
      }
    }
  }

  @Test
  void rawOrtReadsTheSameTextAsTheHandler() throws Exception {
    List<BufferedImage> lines = OcrWorkload.REC.images().subList(0, LINES);
    try (Implementation raw = EmbedderType.RAW_ORT.open("ocr:rec", work);
        Implementation served = EmbedderType.SERVING4J_ZERO_CONFIG.open("ocr:rec", work)) {
      for (BufferedImage line : lines) {
        assertEquals(((Text) served.call(line)).text(), ((Text) raw.call(line)).text());
      }
    }
  }
}
