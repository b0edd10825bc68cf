package dev.serving4j;

import static dev.serving4j.Servers.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** At most K models loaded; loads on demand, once; never unloads a busy model. */
class MultiplexingTest {
  @TempDir Path dir;
  final TestHandler.Probe a = new TestHandler.Probe("a");
  final TestHandler.Probe b = new TestHandler.Probe("b");
  final ModelServer server = ModelServer.builder()
      .handler("a", () -> new TestHandler(a))
      .handler("b", () -> new TestHandler(b))
      .maxLoadedModels(1)
      .build();

  @AfterEach
  void closeServer() {
    a.open();
    b.open();
    server.close();
  }

  private void register(String name) {
    server.register(ModelArchive.builder(name, "1").handler(name).config(Map.of("workers", 1))
        .writeDirectory(dir.resolve(name)));
  }

  private boolean loaded(String name) {
    return server.describe(name).versions().get(0).loaded();
  }

  @Test
  void concurrentFirstCallsToAnUnloadedModelShareOneLoad() throws Exception {
    register("a");
    register("b"); // over the budget of 1: the idle, least recently used "a" is unloaded
    assertFalse(loaded("a"));
    assertTrue(loaded("b"));
    awaitTrue("a's worker stopped", () -> server.describe("a").versions().get(0).workers().isEmpty());
    assertEquals(a.initializations.get(), a.closes.get(), "unloading closed a's handler");
    List<CompletableFuture<Object>> calls = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      calls.add(CompletableFuture.supplyAsync(() -> server.<String>predictBlocking("a", "x"),
          r -> new Thread(r).start()));
    }
    for (CompletableFuture<Object> c : calls) {
      assertEquals("a:x", c.get(20, TimeUnit.SECONDS));
    }
    assertEquals(2, a.initializations.get(), "one load at registration, one for the 32 concurrent calls");
    awaitTrue("b was unloaded to make room", () -> !loaded("b"));
  }

  @Test
  void aBusyModelIsNeverUnloaded() throws Exception {
    register("a");
    a.close();
    CompletableFuture<Object> running = server.predict("a", "held");
    assertTrue(a.entered.await(10, TimeUnit.SECONDS));
    register("b"); // over budget, but "a" is busy: both stay loaded
    assertTrue(loaded("a"));
    assertTrue(loaded("b"));
    assertEquals(1, server.describe("a").versions().get(0).workers().size());
    a.open();
    assertEquals("a:held", running.get(10, TimeUnit.SECONDS));
    awaitTrue("the excess is trimmed once a model is idle", () -> !loaded("a") || !loaded("b"));
  }
}
