package dev.serving4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The batcher learns each model's cost and sizes batches from it. The synthetic handler's inference advances the
 * server's injected clock by a cost function of the batch, so the model learns exact times and every choice is
 * deterministic: requests are queued while the only worker is held, then released.
 */
class LearnedBatchingTest {
  static final long MS = 1_000_000;
  @TempDir Path dir;
  final AtomicLong now = new AtomicLong(Duration.ofDays(1).toNanos());
  final List<List<String>> batches = new CopyOnWriteArrayList<>();
  volatile CountDownLatch gate = new CountDownLatch(0);
  volatile CountDownLatch entered = new CountDownLatch(0);
  volatile CostFunction cost;
  final ModelServer server = ModelServer.builder()
      .handler("clocked", ClockedHandler::new)
      .ticker(now::get)
      .build();

  /** Model time of a batch of {@code n} whose padded cost is {@code padded}, in nanoseconds. */
  interface CostFunction {
    long nanos(int n, long padded);
  }

  @AfterEach
  void closeServer() {
    gate.countDown();
    server.close();
  }

  /** Answers its input; cost = the number after the last '-'; inference advances the clock by {@link #cost}. */
  final class ClockedHandler implements Handler<String, String> {
    @Override
    public Class<?> inputType() {
      return String.class;
    }

    @Override
    public long cost(String input) {
      return LearnedBatchingTest.cost(input);
    }

    @Override
    public Object preprocess(Batch<String> batch) throws InterruptedException {
      batches.add(List.copyOf(batch.inputs()));
      entered.countDown();
      assertTrue(gate.await(20, TimeUnit.SECONDS), "the gate never opened");
      return batch.inputs();
    }

    @Override
    public Object inference(Object preprocessed, Batch<String> batch) {
      long largest = 0;
      for (String in : batch.inputs()) {
        largest = Math.max(largest, cost(in));
      }
      now.addAndGet(cost.nanos(batch.size(), largest * batch.size()));
      return preprocessed;
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<String> postprocess(Object inferred, Batch<String> batch) {
      return (List<String>) inferred;
    }
  }

  private void register(CostFunction f, Map<String, ?> config) {
    cost = f;
    server.register(ModelArchive.builder("m", "1").handler("clocked").config(config).writeDirectory(dir.resolve("m")));
  }

  /** Holds the worker on a blocker, queues {@code inputs}, releases it; returns the batches the inputs ran in. */
  private List<List<String>> round(List<String> inputs) throws Exception {
    gate = new CountDownLatch(1);
    entered = new CountDownLatch(1);
    batches.clear();
    CompletableFuture<Object> blocker = server.predict("m", "blocker-" + cost(inputs.get(0)));
    assertTrue(entered.await(20, TimeUnit.SECONDS));
    List<CompletableFuture<Object>> futures = new ArrayList<>();
    for (String in : inputs) {
      futures.add(server.predict("m", in));
    }
    gate.countDown();
    blocker.get(20, TimeUnit.SECONDS);
    for (int i = 0; i < inputs.size(); i++) {
      assertEquals(inputs.get(i), futures.get(i).get(20, TimeUnit.SECONDS));
    }
    return new ArrayList<>(batches.subList(1, batches.size()));
  }

  private static long cost(String input) {
    return Long.parseLong(input.substring(input.lastIndexOf('-') + 1));
  }

  /** Runs {@code rounds} rounds of {@code inputs} (the first ones explore) and returns the last round's batches. */
  private List<List<String>> afterLearning(List<String> inputs, int rounds) throws Exception {
    List<List<String>> last = null;
    for (int i = 0; i < rounds; i++) {
      last = round(inputs);
    }
    return last;
  }

  private static List<String> same(int count, long cost) {
    List<String> inputs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      inputs.add("r" + i + "-" + cost);
    }
    return inputs;
  }

  @Test
  void aGpuLikeCostWithALargeFixedPartFillsBatches() throws Exception {
    register((n, padded) -> 8 * MS + MS / 2 * n, Map.of("workers", 1, "maxBatchSize", 8));
    List<List<String>> last = afterLearning(same(8, 1), 10);
    assertEquals(List.of(8), last.stream().map(List::size).toList());
  }

  @Test
  void aCpuLikeCostWhosePerItemTimeRisesWithBatchSizeRunsBatchesOfOne() throws Exception {
    register((n, padded) -> 10 * MS * n + MS * n * (n - 1), Map.of("workers", 1, "maxBatchSize", 8));
    List<List<String>> last = afterLearning(same(8, 1), 10);
    assertEquals(List.of(1, 1, 1, 1, 1, 1, 1, 1), last.stream().map(List::size).toList());
  }

  @Test
  void aPaddingSensitiveCostGroupsSimilarLengthsWithoutABudget() throws Exception {
    register((n, padded) -> MS + MS / 10 * padded, Map.of("workers", 1, "maxBatchSize", 8));
    List<String> mixed = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      mixed.add("r" + i + "-" + (i % 2 == 0 ? 10 : 50));
    }
    List<List<String>> last = afterLearning(mixed, 10);
    assertEquals(2, last.size(), "one batch per length: " + last);
    for (List<String> b : last) {
      assertEquals(1, b.stream().map(LearnedBatchingTest::cost).distinct().count(), "mixed lengths: " + b);
    }
  }

  @Test
  void describeShowsTheLearnedCostPerSizeClass() throws Exception {
    register((n, padded) -> 8 * MS + MS / 2 * n, Map.of("workers", 1, "maxBatchSize", 8));
    afterLearning(same(8, 1), 3);
    List<ModelDescription.BatchCost> fits = server.describe("m").versions().get(0).costModel();
    ModelDescription.BatchCost eights = fits.get(fits.size() - 1);
    assertEquals(List.of(8, 15, 3L), List.of(eights.minBatchSize(), eights.maxBatchSize(), eights.samples()));
    assertEquals(12.0, eights.predictMillis(8), 0.01, "8 ms + 0.5 ms × 8");
  }

  @Test
  void slaModeFailsARequestPredictedToMissItsDeadlineAtOnceAndSaysByHowMuch() throws Exception {
    register((n, padded) -> Duration.ofMinutes(40).toNanos(), Map.of("workers", 1, "latencyTarget", "1h"));
    for (int i = 0; i < 3; i++) {
      server.predict("m", "teach-1").get(20, TimeUnit.SECONDS); // three batches of one: 40 minutes each
    }
    // A 30-minute deadline on a model that needs 40: the real-time timer would not fire during the test.
    CompletableFuture<Object> doomed = server.predict("m", "doomed-1", PredictOptions.ofTimeout(Duration.ofMinutes(30)));
    Throwable e = QueueTest.cause(doomed);
    assertInstanceOf(DeadlineExceededException.class, e);
    assertTrue(e.getMessage().contains("predicted to miss its deadline by 600000.0ms"), e.getMessage());
    assertEquals(1, server.describe("m").versions().get(0).counts().expired());
    assertEquals("free-1", server.predict("m", "free-1").get(20, TimeUnit.SECONDS), "no deadline, never dropped");
    assertTrue(batches.stream().noneMatch(b -> b.contains("doomed-1")), "a dropped request reached the handler");
  }
}
