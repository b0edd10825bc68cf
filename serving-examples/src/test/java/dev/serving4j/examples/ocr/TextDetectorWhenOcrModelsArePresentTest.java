package dev.serving4j.examples.ocr;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serving4j.ModelClient;
import dev.serving4j.ModelServer;
import dev.serving4j.examples.ocr.TextDetector.TextBox;
import java.awt.Rectangle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The detector finds the lines of rendered pages (pages of different sizes batched and padded together). */
@EnabledIf("dev.serving4j.examples.ocr.OcrFixture#modelsPresent")
class TextDetectorWhenOcrModelsArePresentTest {
  private static final Logger log = LoggerFactory.getLogger(TextDetectorWhenOcrModelsArePresentTest.class);

  @TempDir
  static Path dir;

  static ModelServer server;
  static ModelClient<Object, List<TextBox>> detector;

  @BeforeAll
  @SuppressWarnings("unchecked")
  static void start() {
    server = ModelServer.builder().build();
    server.register(OcrArchives.detector(dir.resolve("det")), cfg -> cfg.maxBatchSize(4));
    detector = (ModelClient<Object, List<TextBox>>) (ModelClient<?, ?>) server.client(OcrArchives.DETECTOR,
        Object.class, List.class);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static double iou(Rectangle truth, TextBox box) {
    Rectangle found = new Rectangle(box.x(), box.y(), box.width(), box.height());
    Rectangle both = truth.intersection(found);
    double overlap = both.isEmpty() ? 0 : (double) both.width * both.height;
    return overlap / ((double) truth.width * truth.height + (double) found.width * found.height - overlap);
  }

  @Test
  void everyRenderedLineIsFoundAsOneBox() {
    List<String> truth = OcrFixture.lines(24);
    List<TextImages.Page> pages = new ArrayList<>();
    for (int p = 0; p < 4; p++) {
      pages.add(TextImages.page(truth.subList(6 * p, 6 * p + 6), OcrFixture.FONTS.subList(p % 3, 3),
          700 + 150 * p, 14 + 6 * p));
    }
    List<CompletableFuture<List<TextBox>>> answers = pages.stream().map(p -> detector.predict(p.image())).toList();
    int found = 0;
    int boxes = 0;
    for (int p = 0; p < pages.size(); p++) {
      List<TextBox> detected = answers.get(p).join();
      boxes += detected.size();
      for (Rectangle line : pages.get(p).lines()) {
        found += detected.stream().anyMatch(b -> iou(line, b) >= 0.5) ? 1 : 0;
      }
    }
    double recall = found / (double) truth.size();
    log.info("detector: {} of {} lines found with IoU >= 0.5 ({}), {} boxes in all", found, truth.size(), recall,
        boxes);
    assertTrue(recall >= 0.9, "recall " + recall);
    assertTrue(boxes <= truth.size() + 2, boxes + " boxes for " + truth.size() + " lines");
  }
}
