package dev.serving4j;

import static dev.serving4j.Servers.archive;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hot swap, A/B splits, shadows, the response cache and snapshots. */
class ModelLifecycleTest {
  @TempDir Path dir;
  final TestHandler.Probe v1 = new TestHandler.Probe("v1");
  final TestHandler.Probe v2 = new TestHandler.Probe("v2");
  final ModelServer server = ModelServer.builder()
      .handler("one", () -> new TestHandler(v1))
      .handler("two", () -> new TestHandler(v2))
      .handler("cached", () -> new CachingHandler(v1))
      .handler("test", () -> new TestHandler(v1))
      .drainTimeout(Duration.ofSeconds(20))
      .build();

  @AfterEach
  void closeServer() {
    server.close();
  }

  /** A test handler whose answers may be cached by input, except inputs starting with "nocache". */
  static final class CachingHandler extends TestHandlerDelegate {
    CachingHandler(TestHandler.Probe probe) {
      super(probe);
    }

    @Override
    public Object cacheKey(String input) {
      return input.startsWith("nocache") ? null : input;
    }
  }

  private Path version(String v, String handler) {
    return ModelArchive.builder("m", v).handler(handler).config(Map.of("workers", 2, "maxBatchSize", 4))
        .writeDirectory(dir.resolve("m-" + v));
  }

  @Test
  void aHotSwapUnderSixteenThreadsOfLoadFailsNoRequest() throws Exception {
    server.register(version("1", "one"));
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger failures = new AtomicInteger();
    Map<String, AtomicInteger> answeredBy = new ConcurrentHashMap<>();
    List<CompletableFuture<Void>> clients = new ArrayList<>();
    for (int t = 0; t < 16; t++) {
      clients.add(CompletableFuture.runAsync(() -> {
        while (running.get()) {
          try {
            String out = (String) server.predictBlocking("m", "x");
            answeredBy.computeIfAbsent(out.substring(0, 2), k -> new AtomicInteger()).incrementAndGet();
          } catch (RuntimeException e) {
            failures.incrementAndGet();
          }
        }
      }, r -> new Thread(r).start()));
    }
    Servers.awaitTrue("v1 answered some calls", () -> answeredBy.containsKey("v1") && answeredBy.get("v1").get() > 200);
    ModelDescription after = server.reload(version("2", "two"));
    Servers.awaitTrue("v2 answered some calls", () -> answeredBy.containsKey("v2") && answeredBy.get("v2").get() > 200);
    running.set(false);
    for (CompletableFuture<Void> c : clients) {
      c.get(30, TimeUnit.SECONDS);
    }
    assertEquals(0, failures.get(), "requests failed during the swap");
    assertEquals("2", after.defaultVersion());
    assertEquals(List.of("2"), after.versions().stream().map(ModelDescription.Version::version).toList());
    assertEquals(v1.initializations.get(), v1.closes.get(), "the old version's handlers were closed");
  }

  @Test
  void reloadOfAnUnknownModelIsRefused() {
    assertThrows(ModelNotFoundException.class, () -> server.reload(version("2", "two")));
  }

  @Test
  void aTrafficSplitFollowsItsWeightsAndIsStickyByKey() {
    server.register(version("1", "one"));
    server.register(version("2", "two"));
    server.setTrafficSplit("m", Map.of("1", 90, "2", 10));
    Map<String, Integer> counts = new HashMap<>();
    int n = 4000;
    for (int i = 0; i < n; i++) {
      String out = (String) server.predictBlocking("m", "x");
      counts.merge(out.substring(0, 2), 1, Integer::sum);
    }
    // Binomial(4000, 0.1): mean 400, sd 19; 6 sd either way.
    int second = counts.getOrDefault("v2", 0);
    assertTrue(second > 400 - 114 && second < 400 + 114, "v2 got " + second + " of " + n);
    for (int user = 0; user < 50; user++) {
      PredictOptions sticky = PredictOptions.ofKey("user-" + user);
      String first = ((String) server.predictBlocking("m", "x", sticky)).substring(0, 2);
      for (int again = 0; again < 5; again++) {
        assertEquals(first, ((String) server.predictBlocking("m", "x", sticky)).substring(0, 2));
      }
    }
    ModelDescription d = server.describe("m");
    assertEquals(Map.of("1", 90, "2", 10), d.trafficSplit());
    long total = d.versions().stream().mapToLong(v -> v.counts().accepted()).sum();
    assertEquals(n + 50 * 6, total);
    assertThrows(InvalidConfigException.class, () -> server.setTrafficSplit("m", Map.of("1", 0)));
    assertThrows(InvalidConfigException.class, () -> server.setTrafficSplit("m", Map.of("9", 1)));
  }

  @Test
  void shadowFailuresAreInvisibleToCallersAndCounted() throws Exception {
    server.register(version("1", "one"));
    server.register(version("2", "two"));
    v2.transform = s -> {
      throw new IllegalStateException("the candidate is broken");
    };
    server.setShadow("m", "2", 1.0);
    for (int i = 0; i < 50; i++) {
      assertEquals("v1:s" + i, server.predictBlocking("m", "s" + i));
    }
    Servers.awaitTrue("all mirrored calls finished", () -> {
      ModelDescription.Shadow s = server.describe("m").shadow();
      return s.succeeded() + s.failed() == 50;
    });
    ModelDescription.Shadow shadow = server.describe("m").shadow();
    assertEquals(50, shadow.mirrored());
    assertEquals(50, shadow.failed());
    assertEquals(0, shadow.succeeded());
    assertTrue(shadow.meanLatency().toNanos() > 0);
    server.clearShadow("m");
    assertNotNull(server.predictBlocking("m", "after"));
    assertEquals(50, server.describe("m").versions().get(1).counts().accepted());
  }

  @Test
  void cacheHitsBypassTheHandler() throws Exception {
    server.register(ModelArchive.builder("c", "1").handler("cached")
        .config(Map.of("responseCacheSize", 100, "responseCacheTtl", "1m")).writeDirectory(dir.resolve("c")));
    assertEquals("v1:same", server.predictBlocking("c", "same"));
    for (int i = 0; i < 9; i++) {
      assertEquals("v1:same", server.predictBlocking("c", "same"));
    }
    server.predictBlocking("c", "nocache-a");
    server.predictBlocking("c", "nocache-a");
    assertEquals(List.of("same", "nocache-a", "nocache-a"), v1.allInputs());
    ModelDescription.Counts counts = server.describe("c").versions().get(0).counts();
    assertEquals(9, counts.cacheHits());
    assertEquals(1, counts.cacheMisses());
  }

  @Test
  void failedAnswersAreNotCached() {
    server.register(ModelArchive.builder("c", "1").handler("cached")
        .config(Map.of("responseCacheSize", 100)).writeDirectory(dir.resolve("c")));
    assertInstanceOf(HandlerException.class,
        assertThrows(ServingException.class, () -> server.predictBlocking("c", "batch-bomb")));
    assertInstanceOf(HandlerException.class,
        assertThrows(ServingException.class, () -> server.predictBlocking("c", "batch-bomb")));
    assertEquals(List.of("batch-bomb", "batch-bomb"), v1.allInputs());
  }

  @Test
  void aSnapshotRoundTripRestoresModelsVersionsConfigsAndRoutes() {
    server.register(version("1", "one"), b -> b.maxBatchSize(3));
    server.register(version("2", "two"));
    server.setDefaultVersion("m", "2");
    server.setTrafficSplit("m", Map.of("1", 1, "2", 3));
    server.setShadow("m", "1", 0.25);
    server.register(archive(dir, "solo", "7", Map.of("maxQueueSize", 17)), b -> {});
    Path snapshot = dir.resolve("snap/serving4j.json");
    server.writeSnapshot(snapshot);

    try (ModelServer restored = ModelServer.builder().handler("one", () -> new TestHandler(v1))
        .handler("two", () -> new TestHandler(v2)).handler("test", () -> new TestHandler(v1)).build()) {
      restored.restoreSnapshot(snapshot);
      assertEquals(server.models(), restored.models());
      ModelDescription m = restored.describe("m");
      assertEquals("2", m.defaultVersion());
      assertEquals(Map.of("1", 1, "2", 3), m.trafficSplit());
      assertEquals("1", m.shadow().version());
      assertEquals(0.25, m.shadow().fraction());
      assertEquals(3, m.versions().get(0).config().maxBatchSize());
      assertEquals(17, restored.describe("solo").versions().get(0).config().maxQueueSize());
      assertEquals(server.describe("m").versions().get(0).config(), m.versions().get(0).config());
    }
  }

  @Test
  void aBrokenSnapshotRestoresNothing() throws Exception {
    server.register(version("1", "one"));
    Path snapshot = dir.resolve("snap.json");
    server.writeSnapshot(snapshot);
    String json = java.nio.file.Files.readString(snapshot).replace("\"defaultVersion\" : \"1\"",
        "\"defaultVersion\" : \"9\"");
    java.nio.file.Files.writeString(snapshot, json);
    try (ModelServer restored = ModelServer.builder().handler("one", () -> new TestHandler(v1)).build()) {
      assertThrows(ModelNotFoundException.class, () -> restored.restoreSnapshot(snapshot));
      assertTrue(restored.models().isEmpty(), "a failed restore left models behind");
    }
    java.nio.file.Files.writeString(snapshot, "{\"snapshotFormat\": 1, \"models\": 3}");
    ServingException e = assertThrows(ServingException.class, () -> server.restoreSnapshot(snapshot));
    assertTrue(e.getMessage().contains("'models' must be an array"), e.getMessage());
    assertFalse(e.getMessage().isEmpty());
  }
}
