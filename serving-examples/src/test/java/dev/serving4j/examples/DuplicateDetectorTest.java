package dev.serving4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serving4j.BatchingMode;
import dev.serving4j.HandlerException;
import dev.serving4j.InvalidConfigException;
import dev.serving4j.InvalidInputException;
import dev.serving4j.ModelArchive;
import dev.serving4j.ModelClient;
import dev.serving4j.ModelDescription;
import dev.serving4j.ModelServer;
import dev.serving4j.examples.DuplicateDetector.TextPair;
import dev.serving4j.examples.DuplicateDetector.Verdict;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The custom handler example, served from an archive whose manifest sets its properties. */
class DuplicateDetectorTest {
  private static final TextPair PARAPHRASE = new TextPair("How do I reset my password?",
      "How can I change my password?");
  private static final TextPair UNRELATED = new TextPair("How do I reset my password?",
      "Bananas are rich in potassium.");

  @TempDir
  static Path dir;

  static MiniLmFiles files;
  static ModelServer server;

  @BeforeAll
  static void start() {
    files = MiniLmFiles.copyTo(dir);
    server = ModelServer.builder().restartBackoff(Duration.ofMillis(1), Duration.ofMillis(1)).build();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static ModelArchive.Builder archive(String name) {
    return ModelArchive.builder(name, "1")
        .handler(DuplicateDetector.class)
        .engine("onnxruntime")
        .modelFile("model.onnx", files.model())
        .file("tokenizer.json", files.tokenizer())
        .handlerProperty("maxWords", "8")
        .handlerProperty("threshold", "0.8");
  }

  /** Registers a detector whose batches hold exactly three pairs (or wait up to a minute for them). */
  private static ModelClient<TextPair, Verdict> detectorBatchingThree(String name) {
    Path archive = archive(name).writeDirectory(dir.resolve(name)); // a directory archive: no zip to deflate
    server.register(archive, cfg -> cfg
        .batchingMode(BatchingMode.FIXED_DELAY).maxBatchSize(3).maxBatchDelay(Duration.ofSeconds(60)));
    return server.client(name, TextPair.class, Verdict.class);
  }

  @Test
  void aParaphraseIsADuplicateAndAnUnrelatedSentenceIsNot() {
    ModelClient<TextPair, Verdict> detector = detectorBatchingThree("verdicts");
    List<CompletableFuture<Verdict>> verdicts = List.of(PARAPHRASE, UNRELATED, new TextPair("Same text.",
        "Same text.")).stream().map(detector::predict).toList();
    Verdict paraphrase = verdicts.get(0).join();
    Verdict unrelated = verdicts.get(1).join();
    assertTrue(paraphrase.duplicate(), "paraphrase " + paraphrase);
    assertFalse(unrelated.duplicate(), "unrelated " + unrelated);
    assertTrue(paraphrase.similarity() > unrelated.similarity() + 0.5, paraphrase + " vs " + unrelated);
    assertEquals(1.0, verdicts.get(2).join().similarity(), 1e-5, "identical texts");
  }

  @Test
  void anEmptyTextFailsItsPairAloneAndBatchMatesSucceed() {
    ModelClient<TextPair, Verdict> detector = detectorBatchingThree("empty");
    CompletableFuture<Verdict> before = detector.predict(PARAPHRASE);
    CompletableFuture<Verdict> empty = detector.predict(new TextPair("Some text.", "  "));
    CompletableFuture<Verdict> after = detector.predict(UNRELATED);
    InvalidInputException error = assertInstanceOf(InvalidInputException.class,
        assertThrows(CompletionException.class, empty::join).getCause());
    assertEquals("pair 1 for model empty:1: the second text is empty", error.getMessage());
    assertTrue(before.join().duplicate());
    assertFalse(after.join().duplicate());
    ModelDescription.Counts counts = server.describe("empty").versions().get(0).counts();
    assertEquals(1, counts.batches(), "the three pairs ran as one batch");
  }

  @Test
  void anOverLongTextFailsWithAMessageNamingTheLimit() {
    ModelClient<TextPair, Verdict> detector = detectorBatchingThree("long");
    CompletableFuture<Verdict> ok = detector.predict(PARAPHRASE);
    CompletableFuture<Verdict> tooLong = detector.predict(new TextPair("one two three four five six seven eight "
        + "nine", "short text"));
    CompletableFuture<Verdict> alsoOk = detector.predict(UNRELATED);
    Throwable error = assertThrows(CompletionException.class, tooLong::join).getCause();
    assertInstanceOf(InvalidInputException.class, error);
    assertEquals("pair 1 for model long:1: the first text has 9 words, more than maxWords=8", error.getMessage());
    assertTrue(ok.join().duplicate());
    assertFalse(alsoOk.join().duplicate());
  }

  @Test
  void anInvalidPropertyFailsRegistrationNamingTheProperty() {
    Path bad = archive("bad").handlerProperty("threshold", "1.5").writeDirectory(dir.resolve("bad"));
    HandlerException e = assertThrows(HandlerException.class, () -> server.register(bad));
    assertInstanceOf(InvalidConfigException.class, e.getCause());
    assertEquals("handler property 'threshold' of model bad:1 must be in (0, 1], was 1.5",
        e.getCause().getMessage());
  }
}
