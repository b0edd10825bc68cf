package dev.serving4j.examples;

import dev.serving4j.Batch;
import dev.serving4j.Handler;
import dev.serving4j.ModelArchive;
import dev.serving4j.ModelDescription;
import dev.serving4j.ModelServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The core request path with a pure-Java handler and no native code: builds an archive, registers it, and calls
 * it from many threads so batches form. Run: {@code ./mvnw -q -pl serving-examples -am install -DskipTests &&
 * ./mvnw -q -pl serving-examples exec:java -Ddemo.main=dev.serving4j.examples.CoreDemo}.
 */
public final class CoreDemo {
  private CoreDemo() {}

  /** Scores a sentence by counting words from two tiny lexicons; the batch's cost is one fixed overhead + per item. */
  public static final class LexiconHandler implements Handler<String, Double> {
    private static final List<String> GOOD = List.of("good", "great", "fast", "clear", "happy");
    private static final List<String> BAD = List.of("bad", "slow", "broken", "sad", "late");

    @Override
    public Class<?> inputType() {
      return String.class;
    }

    @Override
    public Object preprocess(Batch<String> batch) {
      return batch.inputs().stream().map(s -> s.toLowerCase().split("\\W+")).toList();
    }

    @Override
    public Object inference(Object tokens, Batch<String> batch) throws InterruptedException {
      Thread.sleep(2); // stands in for a model whose per-batch overhead dominates, as on a GPU
      @SuppressWarnings("unchecked")
      List<String[]> words = (List<String[]>) tokens;
      return words.stream().map(w -> Arrays.stream(w).mapToDouble(
          x -> GOOD.contains(x) ? 1 : BAD.contains(x) ? -1 : 0).sum()).toList();
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<Double> postprocess(Object scores, Batch<String> batch) {
      return (List<Double>) scores;
    }
  }

  /** Runs the demo. */
  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("serving4j-demo");
    Path archive = ModelArchive.builder("lexicon", "1")
        .handler(LexiconHandler.class)
        .description("word-count sentiment, pure Java")
        .writeZip(dir.resolve("lexicon.s4j"));
    try (ModelServer server = ModelServer.builder().build()) {
      server.register(archive, cfg -> cfg.maxBatchSize(32));
      System.out.println("score('a great, fast and clear library') = "
          + server.predictBlocking("lexicon", "a great, fast and clear library"));
      int threads = 64;
      int perThread = 100;
      long start = System.nanoTime();
      List<CompletableFuture<Void>> clients = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        clients.add(CompletableFuture.runAsync(() -> {
          for (int i = 0; i < perThread; i++) {
            server.predictBlocking("lexicon", "the service was slow but the answer was good " + i);
          }
        }, r -> new Thread(r).start()));
      }
      CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).join();
      double seconds = (System.nanoTime() - start) / 1e9;
      ModelDescription.Counts counts = server.describe("lexicon").versions().get(0).counts();
      System.out.printf("%d requests from %d threads in %.2f s: %.0f req/s, mean batch size %.1f%n",
          threads * perThread, threads, seconds, threads * perThread / seconds, counts.meanBatchSize());
    }
  }
}
