package dev.serving4j;

import static dev.serving4j.Servers.archive;
import static dev.serving4j.Servers.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LifecycleTest {
  @TempDir Path dir;
  final TestHandler.Probe probe = new TestHandler.Probe("v1");
  final ModelServer server = Servers.server(probe);

  @AfterEach
  void closeServer() {
    probe.open();
    server.close();
  }

  @Test
  void workersScaleUpAndDownAtRunTime() throws Exception {
    server.register(archive(dir, "m", "1", Map.of("workers", 1, "maxBatchSize", 1)));
    server.scaleWorkers("m", "1", 3, 3);
    awaitTrue("3 workers are idle", () -> idleWorkers() == 3);
    // Three held requests run at once only if three workers exist.
    probe.close();
    probe.entered = new CountDownLatch(3);
    List<CompletableFuture<Object>> held = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      held.add(server.predict("m", "p" + i));
    }
    assertTrue(probe.entered.await(10, TimeUnit.SECONDS), "3 batches did not run in parallel");
    server.scaleWorkers("m", "1", 1, 1);
    probe.open();
    for (CompletableFuture<Object> f : held) {
      f.get(10, TimeUnit.SECONDS); // scale-down lets the current batch finish
    }
    awaitTrue("1 worker remains", () -> server.describe("m").versions().get(0).workers().size() == 1);
    assertEquals("v1:after", server.predictBlocking("m", "after"));
    assertEquals(1, server.describe("m").versions().get(0).config().minWorkers());
  }

  @Test
  void aMinWorkersOverrideAtRegistrationRaisesTheUnsetMaxWorkers() {
    server.register(archive(dir, "m", "1", Map.of()), c -> c.minWorkers(2));
    assertEquals(2, server.describe("m").versions().get(0).config().maxWorkers());
  }

  @Test
  void invalidScaleIsRejectedNamingTheField() {
    server.register(archive(dir, "m", "1", Map.of()));
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> server.scaleWorkers("m", "1", 3, 2));
    assertTrue(e.getMessage().contains("maxWorkers"), e.getMessage());
  }

  @Test
  void unregisterDrainsQueuedAndRunningRequests() throws Exception {
    server.register(archive(dir, "m", "1", Map.of("workers", 1, "maxBatchSize", 2)));
    probe.close();
    List<CompletableFuture<Object>> futures = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      futures.add(server.predict("m", "d" + i));
    }
    assertTrue(probe.entered.await(10, TimeUnit.SECONDS));
    CompletableFuture<Boolean> unregistered = CompletableFuture.supplyAsync(() -> server.unregister("m", "1"));
    awaitTrue("new requests are refused", () -> server.models().isEmpty());
    probe.open();
    assertTrue(unregistered.get(20, TimeUnit.SECONDS), "drain did not finish cleanly");
    for (int i = 0; i < 10; i++) {
      assertEquals("v1:d" + i, futures.get(i).getNow(null));
    }
    assertEquals(probe.initializations.get(), probe.closes.get(), "every handler is closed");
  }

  @Test
  void closeCompletesEveryAcceptedFuture() throws Exception {
    server.register(archive(dir, "m", "1", Map.of("workers", 2, "maxBatchSize", 4)));
    List<CompletableFuture<Object>> futures = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      futures.add(server.predict("m", "c" + i));
    }
    server.close();
    for (CompletableFuture<Object> f : futures) {
      assertTrue(f.isDone(), "an accepted request was left pending");
    }
    assertInstanceOf(ServerClosedException.class, QueueTest.cause(server.predict("m", "x")));
    assertEquals(probe.initializations.get(), probe.closes.get(), "every handler is closed");
  }

  @Test
  void closeFailsWhatCannotFinishWithinTheDrainTimeout() throws Exception {
    ModelServer quick = ModelServer.builder().handler("test", () -> new TestHandler(probe))
        .drainTimeout(java.time.Duration.ofMillis(100)).build();
    quick.register(archive(dir, "m", "1", Map.of("workers", 1, "maxBatchSize", 1)));
    probe.close();
    CompletableFuture<Object> running = quick.predict("m", "running");
    CompletableFuture<Object> queued = quick.predict("m", "queued");
    assertTrue(probe.entered.await(10, TimeUnit.SECONDS));
    quick.close();
    assertInstanceOf(ServerClosedException.class, QueueTest.cause(running));
    assertInstanceOf(ServerClosedException.class, QueueTest.cause(queued));
  }

  @Test
  void versionsLiveSideBySideWithDefaultAndExplicitRouting() throws Exception {
    TestHandler.Probe v2 = new TestHandler.Probe("v2");
    ModelServer two = ModelServer.builder()
        .handler("test", () -> new TestHandler(probe))
        .handler("test2", () -> new TestHandler(v2))
        .build();
    try {
      two.register(archive(dir, "m", "1", Map.of()));
      two.register(ModelArchive.builder("m", "2").handler("test2").writeDirectory(dir.resolve("m2")));
      assertEquals("v1:x", two.predictBlocking("m", "x"));
      assertEquals("v2:x", two.predictBlocking("m", "x", PredictOptions.ofVersion("2")));
      assertEquals("v1:x", two.predictBlocking("m", "x", PredictOptions.ofVersion("1")));
      two.setDefaultVersion("m", "2");
      assertEquals("v2:x", two.predictBlocking("m", "x"));
      ModelDescription d = two.describe("m");
      assertEquals("2", d.defaultVersion());
      assertEquals(List.of("1", "2"), d.versions().stream().map(ModelDescription.Version::version).toList());
      two.unregister("m", "2");
      assertEquals("1", two.describe("m").defaultVersion());
      assertThrows(ServingException.class, () -> two.register(archive(dir.resolve("again"), "m", "1", Map.of())));
    } finally {
      two.close();
    }
  }

  @Test
  void twoServersInOneJvmDoNotSeeEachOther() {
    TestHandler.Probe other = new TestHandler.Probe("other");
    try (ModelServer second = Servers.server(other)) {
      server.register(archive(dir, "m", "1", Map.of()));
      second.register(archive(dir.resolve("s2"), "m", "1", Map.of()));
      assertEquals("v1:a", server.predictBlocking("m", "a"));
      assertEquals("other:a", second.predictBlocking("m", "a"));
      second.unregister("m");
      assertEquals("v1:b", server.predictBlocking("m", "b"));
      assertThrows(ModelNotFoundException.class, () -> second.predictBlocking("m", "b"));
    }
  }

  @Test
  void typedClientCallsItsModel() throws ExecutionException, InterruptedException {
    server.register(archive(dir, "m", "1", Map.of()));
    ModelClient<String, String> client = server.client("m", String.class, String.class);
    assertEquals("v1:typed", client.predict("typed").get());
    assertEquals("v1:blocking", client.predictBlocking("blocking"));
    assertThrows(ModelNotFoundException.class, () -> server.client("nope", String.class, String.class));
  }

  private long idleWorkers() {
    return server.describe("m").versions().get(0).workers().stream()
        .filter(w -> w.state() == WorkerState.IDLE).count();
  }
}
