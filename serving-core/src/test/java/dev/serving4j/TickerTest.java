package dev.serving4j;

import static dev.serving4j.Servers.archive;
import static dev.serving4j.Servers.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scheduling decisions driven by an injected clock: hours pass in microseconds, nothing waits for them. */
class TickerTest {
  @TempDir Path dir;
  final AtomicLong now = new AtomicLong(Duration.ofDays(1).toNanos());
  final TestHandler.Probe probe = new TestHandler.Probe("v1");
  final List<ServingEventListener.BatchStarted> batchStarts = new java.util.concurrent.CopyOnWriteArrayList<>();
  final ModelServer server = ModelServer.builder()
      .handler("test", () -> new TestHandler(probe))
      .ticker(now::get)
      .listener(new ServingEventListener() {
        @Override
        public void batchStarted(BatchStarted event) {
          batchStarts.add(event);
        }
      })
      .build();

  @AfterEach
  void closeServer() {
    probe.open();
    server.close();
  }

  private void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  @Test
  void aRequestWhoseDeadlinePassedWhileQueuedIsNotStarted() throws Exception {
    server.register(archive(dir, "m", "1", Map.of("workers", 1, "maxBatchSize", 1)));
    probe.close();
    CompletableFuture<Object> blocker = server.predict("m", "blocker");
    assertTrue(probe.entered.await(10, TimeUnit.SECONDS));
    // An hour-long deadline: the real-time timer will not fire during this test.
    CompletableFuture<Object> late = server.predict("m", "late", PredictOptions.ofTimeout(Duration.ofHours(1)));
    CompletableFuture<Object> onTime = server.predict("m", "on-time", PredictOptions.ofTimeout(Duration.ofHours(3)));
    advance(Duration.ofHours(2));
    probe.open();
    blocker.get(10, TimeUnit.SECONDS);
    Throwable e = QueueTest.cause(late);
    assertInstanceOf(DeadlineExceededException.class, e);
    assertTrue(e.getMessage().contains("while queued"), e.getMessage());
    assertEquals("v1:on-time", onTime.get(10, TimeUnit.SECONDS));
    assertFalse(probe.allInputs().contains("late"), "an expired request reached the handler");
  }

  @Test
  void thePoolGrowsAfterTheQueueWaitAndShrinksAfterTheIdleTime() throws Exception {
    server.register(archive(dir, "m", "1", Map.of("minWorkers", 1, "maxWorkers", 2, "maxBatchSize", 1,
        "scaleUpWait", "1h", "scaleDownIdle", "1h", "scaleCooldown", "0ms")));
    probe.close();
    List<CompletableFuture<Object>> queued = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      queued.add(server.predict("m", "q" + i));
    }
    assertTrue(probe.entered.await(10, TimeUnit.SECONDS));
    assertEquals(1, server.describe("m").versions().get(0).workers().size(), "no real time makes an hour pass");
    advance(Duration.ofHours(1));
    awaitTrue("a second worker starts", () -> server.describe("m").versions().get(0).workers().size() == 2);
    probe.open();
    for (CompletableFuture<Object> f : queued) {
      f.get(10, TimeUnit.SECONDS);
    }
    // Idleness is measured from when a worker goes back to the queue: let both get there before time moves on.
    awaitTrue("both workers are idle", () -> server.describe("m").versions().get(0).workers().stream()
        .allMatch(w -> w.state() == WorkerState.IDLE));
    advance(Duration.ofHours(2));
    awaitTrue("the idle worker retires", () -> server.describe("m").versions().get(0).workers().size() == 1);
  }

  @Test
  void withMinWorkersZeroARequestQueuesUntilWorkersAreScaled() throws Exception {
    server.register(archive(dir, "idle", "1", Map.of("minWorkers", 0)));
    // A version allowed to grow from zero shows that the autoscaler ran after the clock moved an hour on.
    server.register(archive(dir, "elastic", "1", Map.of("minWorkers", 0, "maxWorkers", 1)));
    CompletableFuture<Object> waiting = server.predict("idle", "a");
    CompletableFuture<Object> elastic = server.predict("elastic", "b");
    advance(Duration.ofHours(1));
    assertEquals("v1:b", elastic.get(10, TimeUnit.SECONDS));
    assertEquals(0, server.describe("idle").versions().get(0).workers().size(), "a worker started by itself");
    assertFalse(waiting.isDone());
    server.scaleWorkers("idle", "1", 1, 1);
    assertEquals("v1:a", waiting.get(10, TimeUnit.SECONDS));
  }

  @Test
  void recentFiguresAreReadOnTheInjectedTicker() throws Exception {
    server.register(archive(dir, "m", "1", Map.of("workers", 1)));
    for (int i = 0; i < 3; i++) {
      server.predict("m", "r" + i).get(10, TimeUnit.SECONDS);
    }
    assertEquals(3, server.describe("m").versions().get(0).recent().requests());
    advance(Duration.ofHours(2));
    assertEquals(0, server.describe("m").versions().get(0).recent().requests(), "two hours on, outside the window");
  }

  @Test
  void aBatchsOldestWaitIsItsOldestRequestAcrossPriorityLevelsOnTheTicker() throws Exception {
    server.register(archive(dir, "m", "1", Map.of("workers", 1, "maxBatchSize", 4, "priorityLevels", 2,
        "batchingMode", "FIXED_DELAY", "maxBatchDelay", "0ms")));
    probe.close();
    CompletableFuture<Object> blocker = server.predict("m", "blocker");
    assertTrue(probe.entered.await(10, TimeUnit.SECONDS));
    CompletableFuture<Object> low = server.predict("m", "low", PredictOptions.ofPriority(0));
    advance(Duration.ofHours(1));
    CompletableFuture<Object> high = server.predict("m", "high", PredictOptions.ofPriority(1));
    advance(Duration.ofMinutes(1));
    probe.open();
    blocker.get(10, TimeUnit.SECONDS);
    low.get(10, TimeUnit.SECONDS);
    high.get(10, TimeUnit.SECONDS);

    ServingEventListener.BatchStarted both = batchStarts.get(1);
    assertEquals(List.of("high", "low"), probe.batches.get(1), "the higher level goes first");
    assertEquals(Duration.ofMinutes(61), both.oldestWait(), "the low-priority request waited longest");
  }
}
