package dev.serving4j.benchmarks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serving4j.examples.ocr.TextDetector;
import dev.serving4j.examples.ocr.TextImages;
import dev.serving4j.onnx.ImagePreprocessor;
import dev.serving4j.onnx.ImageTensor;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The detector sweep's committed plan and its rendered pages are what docs/tuning.md says they are. */
class DetectorPagesTest {
  private static final Path PLAN = Path.of("..", "docs", "benchmarks", "detector", "plan.yaml");

  @Test
  void committedDetectorPlanSweepsBatchWorkersThreadsAndBothOptimizations() throws IOException {
    BenchPlan plan = BenchPlan.parse(Files.readString(PLAN));
    assertEquals(DetectorPages.MODEL, plan.model());
    assertEquals(DetectorPages.INPUT, plan.input());
    assertEquals(List.of("fp32", "quantized"), plan.optimizations());
    assertEquals(List.of(1, 2, 4), plan.batchSizes());
    assertEquals(List.of(1, 2), plan.workers());
    assertEquals(List.of(1, 2), plan.intraOpThreads());
    assertEquals(List.of(1, 4, 16), plan.concurrency());
    assertEquals((12 + 1) * 2 * 3, plan.combinations()); // 12 layouts and zero-config, 2 optimizations, 3 loads
  }

  @Test
  void quantizedStaysRefusedForAnArchiveThatIsNotBuiltIn() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BenchPlan.parse("{\"model\": \"/srv/archives/ocr-det\", \"optimizations\": [\"quantized\"]}"));
    assertTrue(e.getMessage().contains("built-in model"), e.getMessage());
  }

  @Test
  void pagesInputSetGivesThirtyTwoSquarePagesOfTheSweepsSize() {
    List<Object> inputs = InputSet.read(DetectorPages.INPUT, BufferedImage.class::equals);
    assertEquals(DetectorPages.PAGES, inputs.size());
    for (Object input : inputs) {
      BufferedImage page = assertInstanceOf(BufferedImage.class, input);
      assertEquals(DetectorPages.SIZE, page.getWidth());
      assertEquals(DetectorPages.SIZE, page.getHeight());
    }
  }

  @Test
  void detectorPreprocessingKeepsEachPageUnscaledSoABatchOfFourIsFourBy3By320By320() {
    ImagePreprocessor prepare = TextDetector.preprocessor("model ocr-det:1", TextDetector.MAX_SIDE);
    List<ImageTensor> pages = DetectorPages.images().subList(0, 4).stream().map(prepare::apply).toList();
    for (ImageTensor page : pages) {
      assertEquals(DetectorPages.SIZE, page.contentWidth(), "no scaling, no padding");
      assertEquals(DetectorPages.SIZE, page.contentHeight(), "no scaling, no padding");
    }
    assertArrayEquals(new long[] {4, 3, DetectorPages.SIZE, DetectorPages.SIZE}, prepare.stack(pages).shape());
  }

  @Test
  void everyPageHoldsSeveralLinesWhoseTrueBoxesLieInsideIt() {
    Rectangle bounds = new Rectangle(0, 0, DetectorPages.SIZE, DetectorPages.SIZE);
    for (TextImages.Page page : DetectorPages.pages()) {
      assertTrue(page.lines().size() >= 5, page.lines().size() + " lines");
      page.lines().forEach(line -> assertTrue(bounds.contains(line), line + " leaves the page"));
    }
  }
}
