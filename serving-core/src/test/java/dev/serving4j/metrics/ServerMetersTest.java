package dev.serving4j.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serving4j.DeadlineExceededException;
import dev.serving4j.HandlerException;
import dev.serving4j.ModelArchive;
import dev.serving4j.ModelServer;
import dev.serving4j.PredictOptions;
import dev.serving4j.QueueFullException;
import dev.serving4j.WorkerState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** serving4j's meters after a known workload through a real server: names, tags, exact counts, positive times. */
class ServerMetersTest {
  @TempDir Path dir;
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final RecordingHandler.Probe probe = new RecordingHandler.Probe();
  final EventLog log = new EventLog();
  final ModelServer server = ModelServer.builder()
      .handler("rec", () -> new RecordingHandler(probe))
      .meterRegistry(registry)
      .listener(log)
      .restartBackoff(Duration.ofMillis(1), Duration.ofMillis(10))
      .build();

  @AfterEach
  void closeServer() {
    probe.release();
    server.close();
  }

  private Path archive(String name, Map<String, ?> config) {
    return ModelArchive.builder(name, "1").handler("rec").config(config).writeDirectory(dir.resolve(name));
  }

  /**
   * One worker, queue of 8: while the worker is held, seven requests wait, one more is cancelled, the next is
   * rejected, another expires; then the worker runs the held one and the seven (in batches of up to 4), and a
   * poisoned item fails alone. Ends: 8 success, 1 failed, 1 expired, 1 cancelled; plus 1 rejected.
   */
  private void runKnownWorkload() throws Exception {
    server.register(archive("m", Map.of("workers", 1, "maxBatchSize", 4, "maxQueueSize", 8)));
    probe.hold();
    CompletableFuture<Object> held = server.predict("m", "held");
    assertTrue(probe.entered.await(10, TimeUnit.SECONDS));
    List<CompletableFuture<Object>> waiting = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      waiting.add(server.predict("m", "w" + i));
    }
    CompletableFuture<Object> cancelled = server.predict("m", "cancel-me");
    assertInstanceOf(QueueFullException.class, causeOf(server.predict("m", "no-room")));
    assertTrue(cancelled.cancel(true));
    CompletableFuture<Object> late = server.predict("m", "late", PredictOptions.ofTimeout(Duration.ofMillis(20)));
    assertInstanceOf(DeadlineExceededException.class, causeOf(late));
    probe.release();
    assertEquals("ok:held", held.get(10, TimeUnit.SECONDS));
    for (int i = 0; i < 7; i++) {
      assertEquals("ok:w" + i, waiting.get(i).get(10, TimeUnit.SECONDS));
    }
    assertInstanceOf(HandlerException.class, causeOf(server.predict("m", "poison")));
    log.awaitRequestEnds(11);
    log.awaitBatchesFinished(probe.batchSizes.size());
  }

  @Test
  void requestsAreCountedByOutcomeExactly() throws Exception {
    runKnownWorkload();
    assertEquals(8, requests("success").count());
    assertEquals(1, requests("failed").count());
    assertEquals(1, requests("expired").count());
    assertEquals(1, requests("cancelled").count());
    assertEquals(1, requests("rejected").count());
  }

  @Test
  void latencyAndQueueWaitAreTimedPerRequest() throws Exception {
    runKnownWorkload();
    Timer success = registry.get("serving4j.request.latency").tags("model", "m", "version", "1", "outcome", "success")
        .timer();
    assertEquals(8, success.count());
    assertTrue(success.totalTime(TimeUnit.NANOSECONDS) > 0);
    assertEquals(1, latency("expired").count());
    assertTrue(latency("expired").totalTime(TimeUnit.MILLISECONDS) >= 20, "expired after its 20 ms timeout");
    assertEquals(1, latency("failed").count());
    assertEquals(1, latency("cancelled").count());
    Timer queueWait = registry.get("serving4j.queue.wait").tags("model", "m", "version", "1").timer();
    assertEquals(9, queueWait.count(), "only the requests that reached a worker: 8 successes and the poisoned one");
    assertTrue(queueWait.totalTime(TimeUnit.NANOSECONDS) > 0);
  }

  @Test
  void handlerStagesAreTimedPerBatch() throws Exception {
    runKnownWorkload();
    int batches = probe.batchSizes.size();
    for (String stage : List.of("preprocess", "inference", "postprocess")) {
      Timer t = registry.get("serving4j.handler.time").tags("model", "m", "version", "1", "stage", stage).timer();
      assertEquals(batches, t.count(), stage);
      assertTrue(t.totalTime(TimeUnit.NANOSECONDS) > 0, stage);
    }
  }

  @Test
  void batchSizeSummaryMatchesTheBatchesTheHandlerRan() throws Exception {
    runKnownWorkload();
    DistributionSummary sizes = registry.get("serving4j.batch.size").tags("model", "m", "version", "1").summary();
    assertEquals(probe.batchSizes.size(), sizes.count());
    assertEquals(probe.batchedRequests(), (int) sizes.totalAmount());
    assertEquals(4, (int) sizes.max(), "the seven waiting requests ran in batches of up to 4");
  }

  @Test
  void batchSizeSummaryCountsTheHalvesRunToIsolateAFailure() throws Exception {
    server.register(archive("m", Map.of("workers", 1, "maxBatchSize", 4, "failureIsolation", true)));
    probe.hold();
    CompletableFuture<Object> held = server.predict("m", "held");
    assertTrue(probe.entered.await(10, TimeUnit.SECONDS));
    List<CompletableFuture<Object>> four = new ArrayList<>();
    for (String in : List.of("a", "b", "bomb", "c")) {
      four.add(server.predict("m", in));
    }
    probe.release();
    held.get(10, TimeUnit.SECONDS);
    assertInstanceOf(HandlerException.class, causeOf(four.get(2)));
    assertEquals("ok:c", four.get(3).get(10, TimeUnit.SECONDS));
    log.awaitRequestEnds(5);
    log.awaitBatchesFinished(probe.batchSizes.size());
    assertTrue(probe.batchSizes.size() > 2, "the failed batch was split: " + probe.batchSizes);
    DistributionSummary sizes = registry.get("serving4j.batch.size").tags("model", "m").summary();
    assertEquals(probe.batchSizes.size(), sizes.count());
    assertEquals(probe.batchedRequests(), (int) sizes.totalAmount());
  }

  @Test
  void gaugesShowQueueInflightAndWorkersByState() throws Exception {
    runKnownWorkload();
    assertEquals(0, gauge("serving4j.queue.depth"));
    assertEquals(0, gauge("serving4j.inflight"));
    double live = 0;
    for (WorkerState state : WorkerState.values()) {
      live += registry.get("serving4j.workers").tags("model", "m", "version", "1", "state",
          state.name().toLowerCase(Locale.ROOT)).gauge().value();
    }
    assertEquals(1, live, "the one worker is in exactly one state");
  }

  @Test
  void gaugesFollowTheQueueWhileAWorkerIsHeld() throws Exception {
    server.register(archive("m", Map.of("workers", 1, "maxBatchSize", 1, "maxQueueSize", 4)));
    probe.hold();
    CompletableFuture<Object> held = server.predict("m", "held");
    assertTrue(probe.entered.await(10, TimeUnit.SECONDS));
    CompletableFuture<Object> queued = server.predict("m", "queued");
    assertEquals(1, gauge("serving4j.queue.depth"));
    assertEquals(2, gauge("serving4j.inflight"));
    assertEquals(1, registry.get("serving4j.workers").tags("model", "m", "state", "busy").gauge().value());
    probe.release();
    held.get(10, TimeUnit.SECONDS);
    queued.get(10, TimeUnit.SECONDS);
  }

  @Test
  void workerRestartsAreCountedByDevice() throws Exception {
    probe.initFailuresLeft.set(1);
    server.register(archive("m", Map.of("workers", 1)));
    Counter restarts = registry.get("serving4j.worker.restarts").tags("model", "m", "version", "1", "device", "cpu")
        .counter();
    assertEquals(1, restarts.count());
    assertEquals(1, log.count("workerRestarting"));
  }

  @Test
  void metersDisappearAfterUnregisterAndOtherModelsKeepTheirs() throws Exception {
    server.register(archive("gone", Map.of("workers", 1)));
    server.register(archive("kept", Map.of("workers", 1)));
    server.predict("gone", "x").get(10, TimeUnit.SECONDS);
    server.predict("kept", "y").get(10, TimeUnit.SECONDS);
    assertFalse(metersOf("gone").isEmpty());
    server.unregister("gone");
    assertEquals(List.of(), metersOf("gone"));
    assertNotNull(registry.find("serving4j.requests").tags("model", "kept", "outcome", "success").counter());
    assertFalse(metersOf("kept").isEmpty());
  }

  /** A reporter (Flink's metric group) may hold a gauge past the version's end: it reads 0, not NaN. */
  @Test
  void aGaugeHeldPastUnregisterReadsItsLastValueAfterGarbageCollection() throws Exception {
    server.register(archive("gone", Map.of("workers", 1)));
    server.predict("gone", "x").get(10, TimeUnit.SECONDS);
    io.micrometer.core.instrument.Gauge depth = registry.get("serving4j.queue.depth").tags("model", "gone").gauge();
    io.micrometer.core.instrument.Gauge inflight = registry.get("serving4j.inflight").tags("model", "gone").gauge();
    server.unregister("gone");
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(20);
    }
    assertEquals(0, depth.value());
    assertEquals(0, inflight.value());
  }

  @Test
  void percentileHistogramsArePublishedWhenAsked() throws Exception {
    Map<String, Boolean> histogramByMeter = new ConcurrentHashMap<>();
    SimpleMeterRegistry own = new SimpleMeterRegistry();
    own.config().meterFilter(new MeterFilter() { // SimpleMeterRegistry keeps no buckets: look at the request
      @Override
      public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
        histogramByMeter.put(id.getName(), Boolean.TRUE.equals(config.isPercentileHistogram()));
        return config;
      }
    });
    try (ModelServer s = ModelServer.builder().handler("rec", () -> new RecordingHandler(probe)).meterRegistry(own)
        .percentileHistograms(true).build()) {
      s.register(archive("h", Map.of("workers", 1)));
    }
    for (String name : List.of("serving4j.request.latency", "serving4j.queue.wait", "serving4j.handler.time",
        "serving4j.batch.size")) {
      assertEquals(Boolean.TRUE, histogramByMeter.get(name), name);
    }
  }

  private Counter requests(String outcome) {
    return registry.get("serving4j.requests").tags("model", "m", "version", "1", "outcome", outcome).counter();
  }

  private Timer latency(String outcome) {
    return registry.get("serving4j.request.latency").tags("model", "m", "version", "1", "outcome", outcome).timer();
  }

  private double gauge(String name) {
    return registry.get(name).tags("model", "m", "version", "1").gauge().value();
  }

  private List<Meter.Id> metersOf(String model) {
    return registry.getMeters().stream().map(Meter::getId).filter(id -> model.equals(id.getTag("model"))).toList();
  }

  private static Throwable causeOf(CompletableFuture<?> f) {
    try {
      f.join();
      throw new AssertionError("expected a failure, got a value");
    } catch (CompletionException e) {
      return e.getCause();
    }
  }
}
