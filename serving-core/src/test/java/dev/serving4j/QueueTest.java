package dev.serving4j;

import static dev.serving4j.Servers.archive;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The queue's door and its exits: full, cancelled, expired; each with the one worker held busy. */
class QueueTest {
  @TempDir Path dir;
  final TestHandler.Probe probe = new TestHandler.Probe("v1");
  final ModelServer server = Servers.server(probe);
  CompletableFuture<Object> blocker;

  @BeforeEach
  void holdTheOnlyWorker() throws Exception {
    server.register(archive(dir, "m", "1", Map.of("workers", 1, "maxBatchSize", 1, "maxQueueSize", 2)));
    probe.close();
    blocker = server.predict("m", "blocker");
    assertTrue(probe.entered.await(10, TimeUnit.SECONDS));
  }

  @AfterEach
  void closeServer() {
    probe.open();
    server.close();
  }

  @Test
  void fullQueueRejectsAtOnceNamingTheModelAndTheLimit() throws Exception {
    server.predict("m", "q1");
    server.predict("m", "q2");
    CompletableFuture<Object> third = server.predict("m", "q3");
    assertTrue(third.isDone(), "a full queue must answer without blocking");
    Throwable cause = cause(third);
    assertInstanceOf(QueueFullException.class, cause);
    assertTrue(cause.getMessage().contains("model 'm' version '1'"), cause.getMessage());
    assertTrue(cause.getMessage().contains("maxQueueSize 2"), cause.getMessage());
    assertEquals(1, server.describe("m").versions().get(0).counts().rejected());
  }

  @Test
  void cancelledRequestLeavesTheQueueAndNeverReachesTheHandler() throws Exception {
    CompletableFuture<Object> doomed = server.predict("m", "doomed");
    assertTrue(doomed.cancel(true));
    assertEquals(0, server.describe("m").versions().get(0).queueDepth());
    CompletableFuture<Object> after = server.predict("m", "after");
    probe.open();
    assertEquals("v1:after", after.get(10, TimeUnit.SECONDS));
    assertFalse(probe.allInputs().contains("doomed"));
    assertEquals(1, server.describe("m").versions().get(0).counts().cancelled());
  }

  @Test
  void lateRequestExpiresWhileQueuedAndNeverReachesTheHandler() throws Exception {
    CompletableFuture<Object> late = server.predict("m", "late", PredictOptions.ofTimeout(Duration.ofMillis(50)));
    // The worker is still held: the expiry comes from the timer, not from the next dispatch.
    Throwable cause = cause(late);
    assertInstanceOf(DeadlineExceededException.class, cause);
    assertTrue(cause.getMessage().contains("while queued"), cause.getMessage());
    assertEquals(0, server.describe("m").versions().get(0).queueDepth());
    probe.open();
    blocker.get(10, TimeUnit.SECONDS);
    assertFalse(probe.allInputs().contains("late"));
    assertEquals(1, server.describe("m").versions().get(0).counts().expired());
  }

  @Test
  void wrongInputTypeFailsBeforeQueueing() {
    CompletableFuture<Object> f = server.predict("m", 42);
    Throwable cause = cause(f);
    assertInstanceOf(InvalidInputException.class, cause);
    assertTrue(cause.getMessage().contains("java.lang.String"), cause.getMessage());
  }

  @Test
  void unknownModelAndVersionFailWithModelNotFound() {
    assertInstanceOf(ModelNotFoundException.class, cause(server.predict("nope", "x")));
    assertInstanceOf(ModelNotFoundException.class, cause(server.predict("m", "x", PredictOptions.ofVersion("9"))));
    assertThrows(ModelNotFoundException.class, () -> server.predictBlocking("nope", "x"));
  }

  static Throwable cause(CompletableFuture<?> f) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
    return e.getCause();
  }
}
