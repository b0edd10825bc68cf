package dev.serving4j;

import static dev.serving4j.Servers.archive;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How many workers a version runs when its config leaves {@code maxWorkers} unset. */
class WorkerLayoutTest {
  @TempDir Path dir;
  final AtomicLong now = new AtomicLong(Duration.ofDays(1).toNanos());
  final TestHandler.Probe probe = new TestHandler.Probe("v1");
  final ModelServer server = ModelServer.builder()
      .handler("test", () -> new TestHandler(probe))
      .ticker(now::get)
      .build();

  @AfterEach
  void closeServer() {
    server.close();
  }

  @Test
  void aMinWorkersOverrideAtRegistrationRaisesTheUnsetMaxWorkers() {
    server.register(archive(dir, "m", "1", Map.of()), c -> c.minWorkers(2));
    assertEquals(2, server.describe("m").versions().get(0).config().maxWorkers());
  }

  @Test
  void withMinWorkersZeroARequestQueuesUntilWorkersAreScaled() throws Exception {
    server.register(archive(dir, "idle", "1", Map.of("minWorkers", 0)));
    // A version allowed to grow from zero shows that the autoscaler ran after the clock moved an hour on.
    server.register(archive(dir, "elastic", "1", Map.of("minWorkers", 0, "maxWorkers", 1)));
    CompletableFuture<String> waiting = server.predict("idle", "a");
    CompletableFuture<String> elastic = server.predict("elastic", "b");
    now.addAndGet(Duration.ofHours(1).toNanos());
    assertEquals("v1:b", elastic.get(10, TimeUnit.SECONDS));
    assertEquals(0, server.describe("idle").versions().get(0).workers().size(), "a worker started by itself");
    assertFalse(waiting.isDone());
    server.scaleWorkers("idle", "1", 1, 1);
    assertEquals("v1:a", waiting.get(10, TimeUnit.SECONDS));
  }
}
