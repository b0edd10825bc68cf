package dev.serving4j.examples;

import dev.serving4j.ModelArchive;
import dev.serving4j.ModelClient;
import dev.serving4j.ModelServer;
import dev.serving4j.examples.DuplicateDetector.TextPair;
import dev.serving4j.examples.DuplicateDetector.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The custom {@link DuplicateDetector} handler packaged, registered and called; one pair is empty and fails alone.
 * Run: {@code ./mvnw -q -pl serving-examples exec:java -Ddemo.main=dev.serving4j.examples.DuplicateDemo}.
 */
public final class DuplicateDemo {
  private DuplicateDemo() {}

  /** Builds the archive, scores a few pairs concurrently and prints the verdicts. */
  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("serving4j-duplicates-");
    MiniLmFiles files = MiniLmFiles.copyTo(dir);
    Path archive = ModelArchive.builder("duplicates", "1")
        .handler(DuplicateDetector.class)
        .engine("onnxruntime")
        .modelFile("model.onnx", files.model())
        .file("tokenizer.json", files.tokenizer())
        .handlerProperty("maxWords", "64")
        .handlerProperty("threshold", "0.85")
        .writeZip(dir.resolve("duplicates.s4j"));
    List<TextPair> pairs = List.of(
        new TextPair("How do I reset my password?", "How can I change my password?"),
        new TextPair("The train leaves at noon.", "The train departs at 12 pm."),
        new TextPair("The train leaves at noon.", "Bananas are rich in potassium."),
        new TextPair("An empty text fails alone.", ""));
    try (ModelServer server = ModelServer.builder().build()) {
      server.register(archive);
      ModelClient<TextPair, Verdict> detector = server.client("duplicates", TextPair.class, Verdict.class);
      List<CompletableFuture<Verdict>> verdicts = pairs.stream().map(detector::predict).toList();
      for (int i = 0; i < pairs.size(); i++) {
        System.out.printf("%-60s -> %s%n", pairs.get(i).first() + " | " + pairs.get(i).second(),
            describe(verdicts.get(i)));
      }
    }
  }

  private static String describe(CompletableFuture<Verdict> verdict) {
    try {
      Verdict v = verdict.join();
      return String.format("similarity %.3f, %s", v.similarity(), v.duplicate() ? "DUPLICATE" : "different");
    } catch (CompletionException e) {
      return "failed: " + e.getCause().getMessage();
    }
  }
}
