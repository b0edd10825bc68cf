package dev.serving4j.examples.ocr;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serving4j.ModelClient;
import dev.serving4j.ModelServer;
import dev.serving4j.examples.ocr.TextDirectionClassifier.Direction;
import java.awt.image.BufferedImage;
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

/** The direction classifier tells upright rendered lines from the same lines turned by 180°. */
@EnabledIf("dev.serving4j.examples.ocr.OcrFixture#modelsPresent")
class TextDirectionClassifierWhenOcrModelsArePresentTest {
  private static final Logger log = LoggerFactory.getLogger(TextDirectionClassifierWhenOcrModelsArePresentTest.class);

  @TempDir
  static Path dir;

  static ModelServer server;
  static ModelClient<Object, Direction> classifier;

  @BeforeAll
  static void start() {
    server = ModelServer.builder().build();
    server.register(OcrArchives.classifier(dir.resolve("cls")), cfg -> cfg.maxBatchSize(8));
    classifier = server.client(OcrArchives.CLASSIFIER, Object.class, Direction.class);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** The share of {@code lines} classified as {@code rotated}, by the handler's threshold or by a majority. */
  private static double[] accuracy(List<BufferedImage> lines, boolean rotated) {
    List<CompletableFuture<Direction>> answers = new ArrayList<>();
    lines.forEach(line -> answers.add(classifier.predict(line)));
    List<Direction> directions = answers.stream().map(CompletableFuture::join).toList();
    double byThreshold = directions.stream().filter(d -> d.rotated() == rotated).count();
    double byMajority = directions.stream().filter(d -> d.probabilityRotated() > 0.5 == rotated).count();
    return new double[] {byThreshold / lines.size(), byMajority / lines.size()};
  }

  @Test
  void uprightAndUpsideDownLinesAreToldApart() {
    List<String> truth = OcrFixture.lines(40);
    List<BufferedImage> upright = new ArrayList<>();
    for (int i = 0; i < truth.size(); i++) {
      upright.add(TextImages.line(truth.get(i), OcrFixture.FONTS.get(i % 3)));
    }
    double[] onUpright = accuracy(upright, false);
    double[] onRotated = accuracy(upright.stream().map(TextImages::rotate180).toList(), true);
    log.info("direction classifier on {} lines, threshold 0.9 / majority: upright {} / {}, turned by 180 degrees"
        + " {} / {}", truth.size(), onUpright[0], onUpright[1], onRotated[0], onRotated[1]);
    assertTrue(onUpright[0] >= 0.95 && onUpright[1] >= 0.95, "upright accuracy " + onUpright[0] + ", " + onUpright[1]);
    assertTrue(onRotated[0] >= 0.75, "rotated accuracy at threshold 0.9: " + onRotated[0]);
    assertTrue(onRotated[1] >= 0.9, "rotated accuracy by majority: " + onRotated[1]);
  }
}
