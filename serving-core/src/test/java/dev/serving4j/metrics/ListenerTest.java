package dev.serving4j.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serving4j.Device;
import dev.serving4j.ModelArchive;
import dev.serving4j.ModelServer;
import dev.serving4j.ServingEventListener;
import dev.serving4j.ServingEventListener.BatchFinished;
import dev.serving4j.ServingEventListener.BatchStarted;
import dev.serving4j.ServingEventListener.ModelEvent;
import dev.serving4j.ServingEventListener.RequestFinished;
import dev.serving4j.ServingEventListener.WorkerEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Typed events: what listeners receive, in what order, and that a throwing listener harms nobody. */
class ListenerTest {
  @TempDir Path dir;
  final RecordingHandler.Probe probe = new RecordingHandler.Probe();

  private Path archive(String name) {
    return ModelArchive.builder(name, "1").handler("rec").config(Map.of("workers", 1, "maxBatchSize", 8))
        .writeDirectory(dir.resolve(name));
  }

  @Test
  void aRequestsLifeIsReportedInOrder() throws Exception {
    EventLog log = new EventLog();
    try (ModelServer server = ModelServer.builder().handler("rec", () -> new RecordingHandler(probe))
        .listener(log).build()) {
      server.register(archive("m"));
      assertEquals("ok:x", server.predict("m", "x").get(10, TimeUnit.SECONDS));
      log.awaitRequestEnds(1);
      log.awaitBatchesFinished(1);
      server.unregister("m");
    }
    List<String> methods = log.methods();
    assertEquals(List.of("workerStarted", "modelRegistered"), methods.subList(0, 2));
    assertEquals(Set.of("requestQueued", "batchStarted", "requestSucceeded", "batchFinished"),
        Set.copyOf(methods.subList(2, 6)), "one of each, in an order the threads decide");
    assertTrue(methods.indexOf("batchStarted") < methods.indexOf("batchFinished"));
    assertEquals(List.of("workerStopped", "modelUnregistered"), methods.subList(6, 8));
    assertEquals(new ModelEvent("m", "1"), log.all(ModelEvent.class).get(0));
    RequestFinished end = log.all(RequestFinished.class).get(0);
    assertEquals(ServingEventListener.Outcome.SUCCESS, end.outcome());
    assertTrue(end.reachedWorker());
    assertTrue(end.latency().compareTo(end.queueWait()) >= 0);
    assertNull(end.error());
    BatchStarted started = log.all(BatchStarted.class).get(0);
    assertEquals(1, started.size());
    BatchFinished finished = log.all(BatchFinished.class).get(0);
    assertEquals(started.workerId(), finished.workerId());
    assertTrue(!finished.failed() && finished.preprocess().toNanos() > 0);
    WorkerEvent worker = log.all(WorkerEvent.class).get(0);
    assertEquals(Device.CPU, worker.device());
  }

  @Test
  void aThrowingListenerNeverBreaksServingNorSilencesTheOthers() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    ServingEventListener broken = new ServingEventListener() {
      @Override
      public void requestQueued(RequestQueued event) {
        calls.incrementAndGet();
        throw new IllegalStateException("listener bug on purpose");
      }

      @Override
      public void requestSucceeded(RequestFinished event) {
        throw new OutOfMemoryError("even an Error is contained");
      }

      @Override
      public void batchStarted(BatchStarted event) {
        throw new IllegalStateException("listener bug on purpose");
      }

      @Override
      public void modelRegistered(ModelEvent event) {
        throw new IllegalStateException("listener bug on purpose");
      }
    };
    EventLog after = new EventLog();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (ModelServer server = ModelServer.builder().handler("rec", () -> new RecordingHandler(probe))
        .meterRegistry(registry).listener(broken).listener(after).build()) {
      server.register(archive("m"));
      List<CompletableFuture<Object>> futures = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        futures.add(server.predict("m", "r" + i));
      }
      for (int i = 0; i < 20; i++) {
        assertEquals("ok:r" + i, futures.get(i).get(10, TimeUnit.SECONDS));
      }
      after.awaitRequestEnds(20);
      assertEquals(20, calls.get(), "the broken listener keeps being called");
      assertEquals(20, after.count("requestQueued"));
      assertEquals(20, after.count("requestSucceeded"));
      assertEquals(1, after.count("modelRegistered"));
      assertEquals(probe.batchSizes.size(), after.count("batchStarted"));
      assertEquals(20, registry.get("serving4j.requests").tags("model", "m", "outcome", "success").counter().count());
    }
  }
}
