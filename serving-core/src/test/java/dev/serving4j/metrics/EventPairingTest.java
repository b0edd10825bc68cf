package dev.serving4j.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.serving4j.ModelArchive;
import dev.serving4j.ModelServer;
import dev.serving4j.ServingEventListener.BatchFinished;
import dev.serving4j.ServingEventListener.BatchStarted;
import dev.serving4j.ServingEventListener.RequestFinished;
import dev.serving4j.ServingEventListener.RequestQueued;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Events carry request and batch ids, so a listener can pair each request's queued and finished events and the
 * batch that answered it, even when callers on many threads and several workers interleave.
 */
class EventPairingTest {
  static final int CALLERS = 4;
  static final int PER_CALLER = 50;
  static final int REQUESTS = CALLERS * PER_CALLER;

  @TempDir Path dir;

  @Test
  void concurrentRequestsPairByIdWithTheBatchThatAnsweredThem() throws Exception {
    EventLog log = new EventLog();
    RecordingHandler.Probe probe = new RecordingHandler.Probe();
    ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
    try (ModelServer server = ModelServer.builder().handler("rec", () -> new RecordingHandler(probe))
        .listener(log).build()) {
      server.register(ModelArchive.builder("m", "1").handler("rec").config(Map.of("workers", 2, "maxBatchSize", 8))
          .writeDirectory(dir.resolve("m")));
      List<Future<List<CompletableFuture<Object>>>> submitted = new ArrayList<>();
      for (int c = 0; c < CALLERS; c++) {
        submitted.add(callers.submit(() -> predictMany(server)));
      }
      for (var s : submitted) {
        for (var f : s.get(10, TimeUnit.SECONDS)) {
          f.get(10, TimeUnit.SECONDS);
        }
      }
      log.awaitRequestEnds(REQUESTS);
      log.awaitBatchesFinished(probe.batchSizes.size());
    } finally {
      callers.shutdown();
    }
    Set<Long> all = LongStream.rangeClosed(1, REQUESTS).boxed().collect(Collectors.toSet());
    assertEquals(all, ids(log.all(RequestQueued.class), RequestQueued::requestId), "each request queued once");
    List<RequestFinished> finished = log.all(RequestFinished.class);
    assertEquals(all, ids(finished, RequestFinished::requestId), "each request finished once");
    Map<Long, BatchStarted> started = log.all(BatchStarted.class).stream()
        .collect(Collectors.toMap(BatchStarted::batchId, Function.identity()));
    assertEquals(started.keySet(), ids(log.all(BatchFinished.class), BatchFinished::batchId),
        "every started batch finished");
    Map<Long, Long> answeredPerBatch = finished.stream()
        .collect(Collectors.groupingBy(RequestFinished::batchId, Collectors.counting()));
    assertEquals(started.keySet(), answeredPerBatch.keySet(), "every request names a batch that started");
    started.forEach((id, batch) -> assertEquals(batch.size(), answeredPerBatch.get(id), "requests of batch " + id));
  }

  private static List<CompletableFuture<Object>> predictMany(ModelServer server) {
    List<CompletableFuture<Object>> futures = new ArrayList<>();
    for (int i = 0; i < PER_CALLER; i++) {
      futures.add(server.predict("m", "r" + i));
    }
    return futures;
  }

  private static <E> Set<Long> ids(List<E> events, Function<E, Long> id) {
    List<Long> ids = events.stream().map(id).toList();
    Set<Long> unique = Set.copyOf(ids);
    assertEquals(ids.size(), unique.size(), "no id twice: " + ids);
    return unique;
  }
}
