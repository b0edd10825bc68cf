package dev.serving4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serving4j.ModelConfig;
import dev.serving4j.Ticker;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * An offer made while callers help wakes no parked worker ({@link CallerRuns}); the last helper to leave wakes one
 * for whatever is still queued, so a request offered at that moment is never stranded.
 */
class HelpingHandOverTest {
  @Test
  void theLastHelperToLeaveWakesAParkedWorkerForTheRequestOfferedWhileItHelped() throws Exception {
    RequestQueue queue = new RequestQueue(ModelConfig.builder().build(), Ticker.system());
    AtomicReference<List<Request>> taken = new AtomicReference<>();
    Thread worker = new Thread(() -> {
      try {
        taken.set(queue.take(() -> false, r -> { }));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    worker.start();
    awaitParked(worker);
    queue.helping.incrementAndGet();
    Request r = new Request(1, RequestTrace.NONE, "in", "in", new CompletableFuture<>(), 0, Long.MAX_VALUE, 0, 1,
        null);
    assertEquals(RequestQueue.Offer.ACCEPTED, queue.offer(r));
    assertEquals(Thread.State.WAITING, worker.getState(), "the offer woke the worker although a caller helps");
    queue.stoppedHelping();
    worker.join(10_000);
    assertEquals(List.of(r), taken.get(), "the parked worker was never woken for the request");
  }

  private static void awaitParked(Thread t) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (t.getState() != Thread.State.WAITING) {
      assertTrue(System.nanoTime() < deadline, "the worker never parked");
      Thread.sleep(1);
    }
  }
}
