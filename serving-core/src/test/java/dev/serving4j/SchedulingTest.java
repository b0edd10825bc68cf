package dev.serving4j;

import static dev.serving4j.Servers.archive;
import static dev.serving4j.Servers.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Priorities, cost-aware batching, buckets, preferred sizes, isolation, retries, autoscaling and warmup. */
class SchedulingTest {
  @TempDir Path dir;
  final TestHandler.Probe probe = new TestHandler.Probe("v1");
  final ModelServer server = ModelServer.builder()
      .handler("test", () -> new TestHandler(probe))
      .handler("costed", () -> new CostedHandler(probe))
      .restartBackoff(Duration.ofMillis(1), Duration.ofMillis(20))
      .build();

  @AfterEach
  void closeServer() {
    probe.open();
    server.close();
  }

  /** A test handler whose cost is the number after the last '-' and whose batch key is the text before it. */
  static final class CostedHandler extends TestHandlerDelegate {
    CostedHandler(TestHandler.Probe probe) {
      super(probe);
    }

    @Override
    public long cost(String input) {
      return Long.parseLong(input.substring(input.lastIndexOf('-') + 1));
    }

    @Override
    public Object batchKey(String input) {
      return input.substring(0, input.indexOf('-'));
    }
  }

  /** Holds the only worker with a gated request, then queues {@code inputs} behind it. */
  /**
   * Holds the only worker on {@code blocker}, queues {@code inputs} (at {@code priorities}, or 0) behind it, then
   * releases it; returns their futures once the blocker is answered (they may still be running or failing).
   */
  private List<CompletableFuture<Object>> behindBlocker(String model, String blocker, List<String> inputs,
      List<Integer> priorities) throws Exception {
    probe.close();
    CompletableFuture<Object> held = server.predict(model, blocker);
    assertTrue(probe.entered.await(10, TimeUnit.SECONDS));
    List<CompletableFuture<Object>> futures = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      int priority = priorities == null ? 0 : priorities.get(i);
      futures.add(server.predict(model, inputs.get(i), PredictOptions.ofPriority(priority)));
    }
    probe.open();
    held.get(10, TimeUnit.SECONDS);
    return futures;
  }

  /** {@link #behindBlocker}, then waits for every queued request and forgets the blocker's batch. */
  private List<CompletableFuture<Object>> queueBehindBlocker(String model, List<String> inputs, List<Integer> priorities)
      throws Exception {
    List<CompletableFuture<Object>> futures = behindBlocker(model, "blocker", inputs, priorities);
    for (CompletableFuture<Object> f : futures) {
      f.get(10, TimeUnit.SECONDS);
    }
    probe.batches.remove(0);
    return futures;
  }

  @Test
  void higherPrioritiesAreDispatchedFirstAndFifoWithinALevel() throws Exception {
    server.register(archive(dir, "m", "1", Map.of("workers", 1, "maxBatchSize", 1, "priorityLevels", 3)));
    queueBehindBlocker("m", List.of("low-a", "high-a", "mid-a", "low-b", "high-b"), List.of(0, 2, 1, 0, 2));
    assertEquals(List.of("high-a", "high-b", "mid-a", "low-a", "low-b"), probe.allInputs());
  }

  @Test
  void aPriorityOutsideTheLevelsIsRejected() {
    server.register(archive(dir, "m", "1", Map.of("priorityLevels", 2)));
    Throwable e = QueueTest.cause(server.predict("m", "x", PredictOptions.ofPriority(2)));
    assertInstanceOf(InvalidInputException.class, e);
    assertTrue(e.getMessage().contains("priority 2 is out of range 0..1"), e.getMessage());
  }

  @Test
  void eachLevelHasItsOwnQueueLimit() throws Exception {
    server.register(archive(dir, "m", "1", Map.of("workers", 1, "maxBatchSize", 1, "priorityLevels", 2,
        "priorityQueueLimits", List.of(1, 5))));
    probe.close();
    server.predict("m", "blocker");
    assertTrue(probe.entered.await(10, TimeUnit.SECONDS));
    server.predict("m", "low-1");
    Throwable e = QueueTest.cause(server.predict("m", "low-2"));
    assertInstanceOf(QueueFullException.class, e);
    assertTrue(e.getMessage().contains("priorityQueueLimits[0] = 1"), e.getMessage());
    assertFalse(server.predict("m", "high-1", PredictOptions.ofPriority(1)).isDone());
  }

  @Test
  void costBoundedBatchesGroupSimilarCostsAndNeverExceedTheBudget() throws Exception {
    server.register(ModelArchive.builder("c", "1").handler("costed")
        .config(Map.of("workers", 1, "maxBatchSize", 8, "maxBatchCost", 40)).writeDirectory(dir.resolve("c")));
    List<String> inputs = List.of("t-10", "t-2", "t-9", "t-3", "t-10", "t-2", "t-50", "t-9", "t-3", "t-2");
    List<CompletableFuture<Object>> futures = behindBlocker("c", "t-1", inputs, null);
    for (int i = 0; i < inputs.size(); i++) {
      assertEquals("v1:" + inputs.get(i), futures.get(i).get(10, TimeUnit.SECONDS));
    }
    List<List<String>> batches = probe.batches.subList(1, probe.batches.size());
    for (List<String> b : batches) {
      long largest = b.stream().mapToLong(s -> Long.parseLong(s.substring(2))).max().orElseThrow();
      assertTrue(largest * b.size() <= 40 || b.size() == 1, "over budget: " + b);
    }
    assertTrue(batches.contains(List.of("t-50")), "the request above the budget runs alone: " + batches);
    // The first batch is anchored on the oldest (t-10) and prefers the other 9-10s over the 2s; 9 and 10 are
    // equally close (within a quarter octave), so they go in queue order.
    assertEquals(List.of("t-10", "t-9", "t-10", "t-9"), batches.get(0));
  }

  @Test
  void batchesOnlyHoldOneBucketAndAnOldRequestInASmallBucketIsNotStarved() throws Exception {
    server.register(ModelArchive.builder("c", "1").handler("costed")
        .config(Map.of("workers", 1, "maxBatchSize", 4)).writeDirectory(dir.resolve("c")));
    List<String> inputs = new ArrayList<>();
    inputs.add("small-1");
    for (int i = 0; i < 12; i++) {
      inputs.add("big-1");
    }
    for (CompletableFuture<Object> f : behindBlocker("c", "warm-1", inputs, null)) {
      f.get(10, TimeUnit.SECONDS);
    }
    List<List<String>> batches = probe.batches.subList(1, probe.batches.size());
    for (List<String> b : batches) {
      assertEquals(1, b.stream().map(s -> s.substring(0, s.indexOf('-'))).distinct().count(), "mixed: " + b);
    }
    assertEquals(List.of("small-1"), batches.get(0), "the oldest request goes first even in a bucket of one");
  }

  @Test
  void preferredBatchSizesCutBatchesWithoutWaiting() throws Exception {
    server.register(archive(dir, "m", "1", Map.of("workers", 1, "maxBatchSize", 16,
        "preferredBatchSizes", List.of(1, 4, 8))));
    List<String> inputs = new ArrayList<>();
    List<Integer> priorities = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      inputs.add("p" + i);
      priorities.add(0);
    }
    queueBehindBlocker("m", inputs, priorities);
    assertEquals(List.of(4, 1, 1, 1), probe.batches.stream().map(List::size).toList());
  }

  @Test
  void aPoisonRequestFailsAloneInsideABatchOfSixteenWhileFifteenSucceed() throws Exception {
    server.register(archive(dir, "m", "1", Map.of("workers", 1, "maxBatchSize", 16)));
    List<String> inputs = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      inputs.add(i == 11 ? "batch-bomb" : "ok-" + i);
    }
    List<CompletableFuture<Object>> futures = behindBlocker("m", "blocker", inputs, null);
    for (int i = 0; i < 16; i++) {
      if (i == 11) {
        Throwable e = QueueTest.cause(futures.get(i));
        assertInstanceOf(HandlerException.class, e);
        assertInstanceOf(IllegalArgumentException.class, e.getCause());
      } else {
        assertEquals("v1:ok-" + i, futures.get(i).get(10, TimeUnit.SECONDS));
      }
    }
    assertEquals(16, probe.batches.get(1).size(), "the 16 were first tried together");
    // Bisection: 16 → 8 → 4 → 2 → 1 on the poison side, one healthy half per level: 2·log2(16) = 8 extra runs.
    assertEquals(1 + 1 + 8, probe.batches.size());
  }

  @Test
  void withoutIsolationTheWholeBatchFails() throws Exception {
    server.register(archive(dir, "m", "1", Map.of("workers", 1, "maxBatchSize", 4, "failureIsolation", false)));
    List<CompletableFuture<Object>> futures = behindBlocker("m", "blocker", List.of("ok", "batch-bomb"), null);
    assertInstanceOf(HandlerException.class, QueueTest.cause(futures.get(0)));
    assertInstanceOf(HandlerException.class, QueueTest.cause(futures.get(1)));
  }

  @Test
  void aBatchWhoseWorkerDiedIsRetriedOnceOnAnotherWorker() throws Exception {
    server.register(archive(dir, "m", "1", Map.of("workers", 2, "maxBatchSize", 4)));
    probe.transform = s -> s + "@" + Thread.currentThread().getName();
    probe.close();
    CompletableFuture<Object> crash = server.predict("m", "crash");
    CompletableFuture<Object> mate = server.predict("m", "mate");
    probe.open();
    // "crash" kills a worker every time: it dies twice and then fails; its batch-mate is retried and succeeds.
    assertInstanceOf(WorkerFailedException.class, QueueTest.cause(crash));
    assertTrue(((String) mate.get(10, TimeUnit.SECONDS)).startsWith("v1:mate@"));
    awaitTrue("the crashed workers were restarted", () -> probe.initializations.get() >= 4);
  }

  @Test
  void aNonIdempotentModelFailsTheBatchOfADeadWorker() throws Exception {
    server.register(archive(dir, "m", "1", Map.of("workers", 1, "maxBatchSize", 4, "idempotent", false)));
    List<CompletableFuture<Object>> futures = behindBlocker("m", "blocker", List.of("crash", "mate"), null);
    assertInstanceOf(WorkerFailedException.class, QueueTest.cause(futures.get(0)));
    assertInstanceOf(WorkerFailedException.class, QueueTest.cause(futures.get(1)));
  }

  @Test
  void expiryIsPromptWhileEveryWorkerIsBusy() throws Exception {
    server.register(archive(dir, "m", "1", Map.of("workers", 2, "maxBatchSize", 1)));
    probe.close();
    probe.entered = new java.util.concurrent.CountDownLatch(2);
    server.predict("m", "busy-1");
    server.predict("m", "busy-2");
    assertTrue(probe.entered.await(10, TimeUnit.SECONDS));
    long start = System.nanoTime();
    Throwable e = QueueTest.cause(server.predict("m", "late", PredictOptions.ofTimeout(Duration.ofMillis(100))));
    assertInstanceOf(DeadlineExceededException.class, e);
    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(9), "expiry waited for a worker");
    assertFalse(probe.allInputs().contains("late"));
  }

  @Test
  void thePoolScalesUpUnderABurstAndDownAfterIt() throws Exception {
    server.register(archive(dir, "m", "1", Map.of("minWorkers", 1, "maxWorkers", 3, "maxBatchSize", 1,
        "scaleUpWait", "20ms", "scaleCooldown", "0ms", "scaleDownIdle", "200ms")));
    probe.close();
    List<CompletableFuture<Object>> burst = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      burst.add(server.predict("m", "b" + i));
    }
    awaitTrue("the pool grew to 3", () -> server.describe("m").versions().get(0).workers().size() == 3);
    probe.open();
    for (CompletableFuture<Object> f : burst) {
      f.get(10, TimeUnit.SECONDS);
    }
    awaitTrue("the pool shrank to 1", () -> server.describe("m").versions().get(0).workers().size() == 1);
    assertEquals("v1:after", server.predictBlocking("m", "after"));
  }

  @Test
  void warmupRunsOnEachWorkerBeforeTheFirstRequest() throws Exception {
    Path a = ModelArchive.builder("w", "1").handler("test")
        .warmupFile("warmup.txt", "sample one\nsample two\n".getBytes(java.nio.charset.StandardCharsets.UTF_8))
        .config(Map.of("workers", 2)).writeDirectory(dir.resolve("w"));
    assertTrue(Files.exists(a.resolve("warmup.txt")));
    server.register(a);
    awaitTrue("both workers warmed up", () -> probe.batches.size() >= 2);
    assertEquals(List.of("sample one", "sample two"), probe.batches.get(0));
    assertEquals("v1:real", server.predictBlocking("w", "real"));
    List<String> order = probe.allInputs();
    assertTrue(order.indexOf("real") > order.lastIndexOf("sample two"), "a request ran before warmup: " + order);
  }
}
