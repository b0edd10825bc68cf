package dev.serving4j.examples.ocr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serving4j.InvalidInputException;
import dev.serving4j.ModelArchive;
import dev.serving4j.ModelClient;
import dev.serving4j.ModelServer;
import dev.serving4j.examples.ocr.TextRecognizer.Text;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The recognizer reads Java2D-rendered lines back, batched with padding, through a server. */
@EnabledIf("dev.serving4j.examples.ocr.OcrFixture#modelsPresent")
class TextRecognizerWhenOcrModelsArePresentTest {
  private static final Logger log = LoggerFactory.getLogger(TextRecognizerWhenOcrModelsArePresentTest.class);

  @TempDir
  static Path dir;

  static ModelServer server;
  static ModelClient<Object, Text> recognizer;

  @BeforeAll
  static void start() {
    server = ModelServer.builder().build();
    server.register(OcrArchives.recognizer(dir.resolve("rec")), cfg -> cfg.maxBatchSize(4).maxBatchCost(800));
    recognizer = server.client(OcrArchives.RECOGNIZER, Object.class, Text.class);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void renderedLinesAreReadBackExactlyInMostCases() {
    List<String> truth = OcrFixture.lines(60);
    List<CompletableFuture<Text>> answers = new ArrayList<>();
    for (int i = 0; i < truth.size(); i++) {
      answers.add(recognizer.predict(TextImages.line(truth.get(i), OcrFixture.FONTS.get(i % 3))));
    }
    int exact = 0;
    long errors = 0;
    long chars = 0;
    for (int i = 0; i < truth.size(); i++) {
      String read = answers.get(i).join().text();
      exact += read.equals(truth.get(i)) ? 1 : 0;
      errors += OcrPipelineDemo.editDistance(read, truth.get(i));
      chars += truth.get(i).length();
      if (!read.equals(truth.get(i))) {
        log.info("expected '{}', read '{}'", truth.get(i), read);
      }
    }
    double exactRate = exact / (double) truth.size();
    double charAccuracy = 1 - errors / (double) chars;
    log.info("recognizer: {} of {} lines exact ({}), character accuracy {}", exact, truth.size(), exactRate,
        charAccuracy);
    assertTrue(exactRate >= 0.85, "exact-line rate " + exactRate);
    assertTrue(charAccuracy >= 0.98, "character accuracy " + charAccuracy);
  }

  @Test
  void aLineAloneReadsTheSameAsInAPaddedBatch() {
    String text = "Batching pads lines to the widest one";
    assertEquals(text, recognizer.predict(TextImages.line(text, OcrFixture.FONTS.get(0))).join().text());
  }

  @Test
  void aServerAliasServesTheHandlerFromAManifestThatNamesIt() {
    Path archive = ModelArchive.builder("aliased", "1").handler("paddle-rec").engine("onnxruntime")
        .modelFile("model.onnx", OcrModels.file(OcrModels.RECOGNIZER))
        .file(OcrModels.KEYS, OcrModels.file(OcrModels.KEYS))
        .writeDirectory(dir.resolve("aliased"));
    try (ModelServer aliasing = ModelServer.builder().handler("paddle-rec", TextRecognizer::new).build()) {
      aliasing.register(archive);
      Text text = aliasing.client("aliased", Object.class, Text.class)
          .predict(TextImages.line("read through an alias", OcrFixture.FONTS.get(1))).join();
      assertEquals("read through an alias", text.text());
    }
  }

  @Test
  void bytesThatAreNotAnImageAreRefusedWithATypedErrorNamingTheModel() {
    CompletionException e = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
        () -> recognizer.predict(new byte[] {1, 2, 3}).join());
    InvalidInputException cause = assertInstanceOf(InvalidInputException.class, e.getCause());
    assertTrue(cause.getMessage().startsWith("model ocr-rec:1 got 3 bytes that ImageIO cannot decode"),
        cause.getMessage());
  }
}
