package dev.serving4j.examples.ocr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The OCR pipeline reads rendered pages with upside-down lines: det → crop → cls → rotate → rec. */
@EnabledIf("dev.serving4j.examples.ocr.OcrFixture#modelsPresent")
class OcrPipelineWhenOcrModelsArePresentTest {
  private static final Logger log = LoggerFactory.getLogger(OcrPipelineWhenOcrModelsArePresentTest.class);

  @TempDir Path dir;

  @Test
  void pagesWithUpsideDownLinesReadBackAboveTheFloors() {
    OcrPipelineDemo.Report r = OcrPipelineDemo.run(3, 6, dir);
    double exactRate = r.exactLines() / (double) r.lines();
    log.info("ocr pipeline: {} of {} lines exact, character accuracy {}; {}", r.exactLines(), r.lines(),
        r.charAccuracy(), r.nodes());
    assertEquals(18, r.lines());
    assertTrue(exactRate >= 0.8, "exact-line rate " + exactRate + ", read " + r.read());
    assertTrue(r.charAccuracy() >= 0.95, "character accuracy " + r.charAccuracy() + ", read " + r.read());
  }
}
