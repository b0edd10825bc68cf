package dev.serving4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Handler#prepare}: per-request work on the caller's thread, before the request is queued. */
class PrepareTest {
  @TempDir Path dir;
  final List<Thread> preparedOn = new CopyOnWriteArrayList<>();
  final List<List<Object>> batches = new CopyOnWriteArrayList<>();
  final List<Long> costs = new CopyOnWriteArrayList<>();
  final AtomicLong clock = new AtomicLong(1_000_000_000L);
  ModelServer server;

  /** Prepares "x" into "X!" (upper case), fails "bad", returns null for "null", advances the clock for "slow". */
  final class Shouting implements Handler<String, String> {
    @Override
    public Object prepare(String input) throws Exception {
      preparedOn.add(Thread.currentThread());
      switch (input) {
        case "bad" -> throw new java.io.IOException("cannot prepare 'bad'");
        case "invalid" -> throw new InvalidInputException("the handler refuses 'invalid'");
        case "null" -> {
          return null;
        }
        case "slow" -> clock.addAndGet(Duration.ofSeconds(5).toNanos());
        default -> { }
      }
      return input.toUpperCase() + "!";
    }

    @Override
    public long cost(String input, Object prepared) {
      costs.add((long) ((String) prepared).length());
      return ((String) prepared).length();
    }

    @Override
    public Object preprocess(Batch<String> batch) {
      List<Object> prepared = new ArrayList<>();
      for (int i = 0; i < batch.size(); i++) {
        prepared.add(batch.prepared(i));
      }
      batches.add(prepared);
      return prepared;
    }

    @Override
    public Object inference(Object preprocessed, Batch<String> batch) {
      return preprocessed;
    }

    @SuppressWarnings("unchecked")
    @Override
    public List<String> postprocess(Object inferred, Batch<String> batch) {
      List<String> out = new ArrayList<>();
      for (Object o : (List<Object>) inferred) {
        out.add((String) o);
      }
      return out;
    }

    @Override
    public Class<?> inputType() {
      return String.class;
    }
  }

  @AfterEach
  void close() {
    if (server != null) {
      server.close();
    }
  }

  private void register(Map<String, ?> config) {
    server = ModelServer.builder().handler("shout", Shouting::new).ticker(clock::get).build();
    server.register(ModelArchive.builder("m", "1").handler("shout").config(config).writeDirectory(dir.resolve("m")));
  }

  @Test
  void prepareRunsOnTheCallersThreadAndPreprocessSeesItsResult() throws Exception {
    register(Map.of("maxBatchCost", 100));
    assertEquals("HELLO!", server.predict("m", "hello").get(10, TimeUnit.SECONDS));
    assertSame(Thread.currentThread(), preparedOn.get(preparedOn.size() - 1));
    assertEquals(List.of("HELLO!"), batches.get(batches.size() - 1));
  }

  @Test
  void costIsComputedFromThePreparedValue() throws Exception {
    register(Map.of("maxBatchCost", 100));
    server.predict("m", "abc").get(10, TimeUnit.SECONDS);
    assertEquals(4L, costs.get(costs.size() - 1)); // "ABC!"
  }

  @Test
  void aPrepareFailureIsThatRequestsOwnHandlerErrorAndNeverReachesAWorker() throws Exception {
    register(Map.of());
    CompletableFuture<Object> bad = server.predict("m", "bad");
    CompletableFuture<Object> good = server.predict("m", "good");
    Throwable cause = QueueTest.cause(bad);
    assertInstanceOf(HandlerException.class, cause);
    assertTrue(cause.getMessage().contains("model 'm' version '1'") && cause.getMessage().contains("prepare"),
        cause.getMessage());
    assertInstanceOf(java.io.IOException.class, cause.getCause());
    assertEquals("GOOD!", good.get(10, TimeUnit.SECONDS));
    batches.forEach(b -> assertTrue(!b.contains("BAD!"), "a failed preparation reached a batch: " + b));
  }

  @Test
  void aServingExceptionFromPrepareReachesTheCallerAsIs() {
    register(Map.of());
    Throwable cause = QueueTest.cause(server.predict("m", "invalid"));
    assertInstanceOf(InvalidInputException.class, cause);
    assertEquals("the handler refuses 'invalid'", cause.getMessage());
  }

  @Test
  void prepareReturningNullIsAHandlerErrorNamingTheStage() {
    register(Map.of());
    Throwable cause = QueueTest.cause(server.predict("m", "null"));
    assertInstanceOf(HandlerException.class, cause);
    assertTrue(cause.getMessage().contains("prepare returned null"), cause.getMessage());
  }

  @Test
  void aRequestWhoseDeadlinePassesWhilePreparingIsNeverQueued() {
    register(Map.of());
    CompletableFuture<Object> slow = server.predict("m", "slow",
        new PredictOptions(null, Duration.ofSeconds(1)));
    Throwable cause = QueueTest.cause(slow);
    assertInstanceOf(DeadlineExceededException.class, cause);
    assertTrue(cause.getMessage().contains("while preparing"), cause.getMessage());
    assertEquals(0, server.describe("m").versions().get(0).counts().accepted());
  }
}
