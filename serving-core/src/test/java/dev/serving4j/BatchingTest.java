package dev.serving4j;

import static dev.serving4j.Servers.archive;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

class BatchingTest {
  @TempDir Path dir;
  final TestHandler.Probe probe = new TestHandler.Probe("v1");
  final ModelServer server = Servers.server(probe);

  @AfterEach
  void closeServer() {
    probe.open();
    server.close();
  }

  @Test
  void batchesFormUnderLoadNeverExceedTheLimitAndEachCallerGetsItsOwnResult() throws Exception {
    server.register(archive(dir, "m", "1", Map.of("maxBatchSize", 4, "workers", 1)));
    probe.close();
    CompletableFuture<Object> first = server.predict("m", "first");
    assertTrue(probe.entered.await(10, TimeUnit.SECONDS));
    List<CompletableFuture<Object>> rest = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      rest.add(server.predict("m", "in-" + i));
    }
    probe.open();
    assertEquals("v1:first", first.get(10, TimeUnit.SECONDS));
    for (int i = 0; i < 20; i++) {
      assertEquals("v1:in-" + i, rest.get(i).get(10, TimeUnit.SECONDS));
    }
    assertTrue(probe.batches.stream().allMatch(b -> b.size() <= 4), "a batch exceeded 4: " + probe.batches);
    assertTrue(probe.batches.stream().anyMatch(b -> b.size() > 1), "no batch formed: " + probe.batches);
    assertEquals(21, probe.allInputs().size());
    assertEquals(21, server.describe("m").versions().get(0).counts().batchedRequests());
  }

  @Test
  void concurrentCallersFromManyThreadsEachGetTheirOwnResult() throws Exception {
    server.register(archive(dir, "m", "1", Map.of("maxBatchSize", 8, "workers", 2)));
    List<CompletableFuture<List<String>>> callers = new ArrayList<>();
    for (int t = 0; t < 16; t++) {
      int thread = t;
      callers.add(CompletableFuture.supplyAsync(() -> {
        List<String> got = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
          got.add((String) server.predictBlocking("m", thread + "/" + i));
        }
        return got;
      }));
    }
    for (int t = 0; t < 16; t++) {
      List<String> got = callers.get(t).get(60, TimeUnit.SECONDS);
      for (int i = 0; i < 200; i++) {
        assertEquals("v1:" + t + "/" + i, got.get(i));
      }
    }
  }

  @Test
  void adaptiveDispatchesALoneRequestWithoutWaitingForTheDelay() throws Exception {
    // The delay is far longer than the get() timeout: finishing proves nothing waited for it.
    server.register(archive(dir, "m", "1", Map.of("batchingMode", "ADAPTIVE", "maxBatchDelay", "60s")));
    assertEquals("v1:alone", server.predict("m", "alone").get(20, TimeUnit.SECONDS));
    assertEquals(List.of(List.of("alone")), probe.batches);
  }

  @Test
  void fixedDelayDispatchesAFullBatchAtOnce() throws Exception {
    server.register(archive(dir, "m", "1",
        Map.of("batchingMode", "FIXED_DELAY", "maxBatchDelay", "60s", "maxBatchSize", 4)));
    List<CompletableFuture<Object>> futures = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      futures.add(server.predict("m", "f" + i));
    }
    for (CompletableFuture<Object> f : futures) {
      f.get(20, TimeUnit.SECONDS);
    }
    assertEquals(List.of(List.of("f0", "f1", "f2", "f3")), probe.batches);
  }

  @Test
  void fixedDelayWaitsTheDelayCountedFromArrival() throws Exception {
    server.register(archive(dir, "m", "1",
        Map.of("batchingMode", "FIXED_DELAY", "maxBatchDelay", "300ms", "maxBatchSize", 8)));
    long start = System.nanoTime();
    server.predict("m", "a").get(20, TimeUnit.SECONDS);
    long waited = System.nanoTime() - start;
    assertTrue(waited >= Duration.ofMillis(300).toNanos(), "dispatched after only " + waited / 1_000_000 + "ms");
    assertEquals(List.of(List.of("a")), probe.batches);
  }
}
