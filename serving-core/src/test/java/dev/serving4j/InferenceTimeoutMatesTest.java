package dev.serving4j;

import static dev.serving4j.QueueTest.cause;
import static dev.serving4j.Servers.archive;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A batch that overruns {@code inferenceTimeout}: with an idempotent model only the request that hangs fails, its
 * batch-mates run again alone on the replacement worker; without, every request of the batch fails as before.
 */
class InferenceTimeoutMatesTest {
  @TempDir Path dir;
  final TestHandler.Probe probe = new TestHandler.Probe("v1");
  final ModelServer server = Servers.server(probe);

  @AfterEach
  void closeServer() {
    probe.open();
    server.close();
  }

  @Test
  void onlyTheHangingRequestTimesOutAndItsMatesRunAgainAlone() throws Exception {
    List<CompletableFuture<Object>> batch = sevenBehindAHold(true);
    for (int i = 0; i < 7; i++) {
      if (i == 3) {
        Throwable e = cause(batch.get(i));
        assertInstanceOf(InferenceTimeoutException.class, e);
        assertTrue(e.getMessage().contains("batch of 1 exceeded inferenceTimeout 200ms"), e.getMessage());
      } else {
        assertEquals("v1:ok-" + i, batch.get(i).get(10, TimeUnit.SECONDS));
      }
    }
    List<List<String>> batches = probe.batches;
    assertEquals(List.of("ok-0", "ok-1", "ok-2", "hang", "ok-4", "ok-5", "ok-6"), batches.get(1));
    assertTrue(batches.subList(2, batches.size()).stream().allMatch(b -> b.size() == 1),
        "after the timeout each request ran alone: " + batches);
    assertEquals(9, batches.size(), "the hold, the batch, then each of the 7 once more: " + batches);
  }

  @Test
  void withoutIdempotenceEveryRequestOfTheBatchTimesOut() {
    List<CompletableFuture<Object>> batch = sevenBehindAHold(false);
    for (CompletableFuture<Object> f : batch) {
      Throwable e = cause(f);
      assertInstanceOf(InferenceTimeoutException.class, e);
      assertTrue(e.getMessage().contains("batch of 7 exceeded inferenceTimeout 200ms"), e.getMessage());
    }
  }

  @Test
  void aMateLeftAloneBecauseTheHangingRequestWasCancelledRunsAgainInsteadOfTimingOut() throws Exception {
    server.register(archive(dir, "m", "1", Map.of("workers", 1, "maxBatchSize", 8, "inferenceTimeout", "200ms")));
    probe.close();
    CompletableFuture<Object> first = server.predict("m", "first");
    assertTrue(probe.entered.await(10, TimeUnit.SECONDS));
    CompletableFuture<Object> hang = server.predict("m", "hang");
    CompletableFuture<Object> mate = server.predict("m", "mate");
    probe.entered = new CountDownLatch(1);
    probe.open();
    assertEquals("v1:first", first.get(10, TimeUnit.SECONDS));
    assertTrue(probe.entered.await(10, TimeUnit.SECONDS), "[hang, mate] started");
    hang.cancel(true);
    assertEquals("v1:mate", mate.get(10, TimeUnit.SECONDS));
    assertEquals(List.of("hang", "mate"), probe.batches.get(1));
  }

  /** One worker, held on "first" while {@code ok-0..ok-6} with "hang" at index 3 queue up as one batch. */
  private List<CompletableFuture<Object>> sevenBehindAHold(boolean idempotent) {
    server.register(archive(dir, "m", "1", Map.of("workers", 1, "maxBatchSize", 8, "inferenceTimeout", "200ms",
        "idempotent", idempotent)));
    probe.close();
    CompletableFuture<Object> first = server.predict("m", "first");
    try {
      assertTrue(probe.entered.await(10, TimeUnit.SECONDS));
      List<CompletableFuture<Object>> batch = new ArrayList<>();
      for (int i = 0; i < 7; i++) {
        batch.add(server.predict("m", i == 3 ? "hang" : "ok-" + i));
      }
      probe.open();
      assertEquals("v1:first", first.get(10, TimeUnit.SECONDS));
      return batch;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aStuckThreadThatReturnsLateCannotAnswerRequestsHandedToItsReplacement() throws Exception {
    Stalling.Script script = new Stalling.Script();
    try (ModelServer s = ModelServer.builder().handler("stalling", () -> new Stalling(script))
        .drainTimeout(Duration.ofSeconds(20)).build()) {
      s.register(ModelArchive.builder("m", "1").handler("stalling")
          .config(Map.of("workers", 1, "maxBatchSize", 8, "inferenceTimeout", "200ms"))
          .writeDirectory(dir.resolve("stalling")));
      CompletableFuture<Object> hold = s.predict("m", "hold");
      assertTrue(script.entered.await(10, TimeUnit.SECONDS));
      CompletableFuture<Object> stall = s.predict("m", "stall");
      CompletableFuture<Object> mate = s.predict("m", "mate");
      script.gate.countDown();
      assertEquals("old:hold", hold.get(10, TimeUnit.SECONDS));
      // The stuck thread answered [stall, mate] before the replacement ran them; only the re-runs count.
      assertEquals("new:stall", stall.get(10, TimeUnit.SECONDS));
      assertEquals("new:mate", mate.get(10, TimeUnit.SECONDS));
      assertTrue(script.lateAnswerReturned.get(), "the stuck thread did return its late answer");
    }
  }

  /**
   * Answers {@code "old:" + input} on the first instance, {@code "new:" + input} on later ones. The first instance
   * stalls on a batch holding "stall" until a later instance has started re-running it, ignoring the watchdog's
   * interrupt; the re-run then waits until the stuck instance has returned its answer and been closed.
   */
  static final class Stalling implements Handler<String, String> {
    /** Shared by the instances of one test. */
    static final class Script {
      final CountDownLatch gate = new CountDownLatch(1);
      final CountDownLatch entered = new CountDownLatch(1);
      final CountDownLatch rerunStarted = new CountDownLatch(1);
      final CountDownLatch stuckClosed = new CountDownLatch(1);
      final AtomicBoolean firstInstance = new AtomicBoolean(true);
      final AtomicBoolean lateAnswerReturned = new AtomicBoolean();
    }

    private final Script script;
    private boolean old;

    Stalling(Script script) {
      this.script = script;
    }

    @Override
    public void initialize(HandlerContext context) {
      old = context.workerId() >= 0 && script.firstInstance.getAndSet(false);
    }

    @Override
    public Class<?> inputType() {
      return String.class;
    }

    @Override
    public Object preprocess(Batch<String> batch) throws InterruptedException {
      if (batch.inputs().contains("hold")) {
        script.entered.countDown();
        script.gate.await(10, TimeUnit.SECONDS);
      } else if (old && batch.inputs().contains("stall")) {
        awaitUninterruptibly(script.rerunStarted);
      } else if (!old && script.rerunStarted.getCount() > 0) {
        script.rerunStarted.countDown();
        script.stuckClosed.await(10, TimeUnit.SECONDS);
      }
      return null;
    }

    @Override
    public Object inference(Object preprocessed, Batch<String> batch) {
      return null;
    }

    @Override
    public List<String> postprocess(Object inferred, Batch<String> batch) {
      if (old && batch.inputs().contains("stall")) {
        script.lateAnswerReturned.set(true);
      }
      return batch.inputs().stream().map(in -> (old ? "old:" : "new:") + in).toList();
    }

    @Override
    public void close() {
      if (old) {
        script.stuckClosed.countDown();
      }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
      boolean interrupted = false;
      while (true) {
        try {
          if (latch.await(10, TimeUnit.SECONDS)) {
            break;
          }
          throw new IllegalStateException("no re-run started");
        } catch (InterruptedException e) {
          interrupted = true; // the watchdog's interrupt: this handler ignores it, like a stuck native call
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
