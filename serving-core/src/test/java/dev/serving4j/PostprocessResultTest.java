package dev.serving4j;

import static dev.serving4j.QueueTest.cause;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a handler's {@code postprocess} may return, and what a malformed result costs: the result shapes of the
 * {@link Batch#fail} contract, a wrong-sized or null list (isolated like a thrown exception), and a null entry
 * (fails its item alone); and that a request takes the blame for a failed batch only after failing alone. Each
 * test holds the worker on a first request so the rest queue up and run as one batch.
 */
class PostprocessResultTest {
  @TempDir Path dir;
  final Shaped.Script script = new Shaped.Script();
  final ModelServer server = ModelServer.builder().handler("shaped", () -> new Shaped(script))
      .drainTimeout(Duration.ofSeconds(20)).build();

  @AfterEach
  void closeServer() {
    script.gate.countDown();
    server.close();
  }

  @Test
  void aWrongOutputCountFailsOnlyTheRequestThatCausesItAndItsSevenMatesSucceed() throws Exception {
    List<CompletableFuture<Object>> batch = oneBatch(Map.of(), "ok-0", "ok-1", "ok-2", "extra", "ok-4", "ok-5",
        "ok-6", "ok-7");
    for (int i = 0; i < 8; i++) {
      if (i == 3) {
        Throwable e = cause(batch.get(i));
        assertInstanceOf(HandlerException.class, e);
        assertTrue(e.getMessage().contains("postprocess returned 2 outputs for a batch of 1; expected 1"),
            e.getMessage());
      } else {
        assertEquals("out-ok-" + i, batch.get(i).get(10, TimeUnit.SECONDS));
      }
    }
    assertTrue(script.batches.contains(List.of("ok-0", "ok-1", "ok-2", "extra", "ok-4", "ok-5", "ok-6", "ok-7")),
        "the eight ran together first: " + script.batches);
  }

  @Test
  void aNullResultListFailsOnlyTheRequestThatCausesIt() throws Exception {
    List<CompletableFuture<Object>> batch = oneBatch(Map.of(), "ok-0", "null-list", "ok-2", "ok-3");
    Throwable e = cause(batch.get(1));
    assertInstanceOf(HandlerException.class, e);
    assertTrue(e.getMessage().contains("postprocess returned null for a batch of 1"), e.getMessage());
    assertEquals(List.of("out-ok-0", "out-ok-2", "out-ok-3"),
        List.of(batch.get(0).get(), batch.get(2).get(), batch.get(3).get()));
  }

  @Test
  void withoutIsolationAMalformedResultFailsTheWholeBatchNamingTheSizes() {
    List<CompletableFuture<Object>> batch = oneBatch(Map.of("failureIsolation", false), "ok-0", "extra", "ok-2");
    for (CompletableFuture<Object> f : batch) {
      Throwable e = cause(f);
      assertTrue(e.getMessage().contains("postprocess returned 4 outputs for a batch of 3; expected 3 (one per item"),
          e.getMessage());
    }
  }

  @Test
  void aFailedItemsEntryIsIgnoredInAResultWithOneEntryPerItem() throws Exception {
    List<CompletableFuture<Object>> batch = oneBatch(Map.of(), "ok-0", "fail-1", "ok-2");
    assertOwnFailure(batch.get(1), "fail-1");
    assertEquals("out-ok-0", batch.get(0).get(10, TimeUnit.SECONDS));
    assertEquals("out-ok-2", batch.get(2).get(10, TimeUnit.SECONDS));
    assertEquals(2, script.batches.size(), "no bisection: the hold, then one batch");
  }

  @Test
  void aResultWithOneEntryPerItemNotFailedIsMappedOntoThoseItemsInOrder() throws Exception {
    script.shortResult = true;
    List<CompletableFuture<Object>> batch = oneBatch(Map.of(), "fail-0", "ok-1", "ok-2", "fail-3", "ok-4");
    assertOwnFailure(batch.get(0), "fail-0");
    assertOwnFailure(batch.get(3), "fail-3");
    assertEquals(List.of("out-ok-1", "out-ok-2", "out-ok-4"),
        List.of(batch.get(1).get(), batch.get(2).get(), batch.get(4).get()));
    assertEquals(2, script.batches.size(), "no bisection: the hold, then one batch");
  }

  @Test
  void aBatchWhoseItemsAllFailedMayReturnNoResult() {
    script.nullWhenAllFailed = true;
    List<CompletableFuture<Object>> batch = oneBatch(Map.of(), "fail-0", "fail-1");
    assertOwnFailure(batch.get(0), "fail-0");
    assertOwnFailure(batch.get(1), "fail-1");
    assertEquals(2, script.batches.size(), "no bisection: the hold, then one batch");
  }

  @Test
  void aNullEntryForAnItemNotFailedFailsThatItemAloneAndItsMatesSucceed() throws Exception {
    List<CompletableFuture<Object>> batch = oneBatch(Map.of(), "ok-0", "null", "ok-2");
    Throwable e = cause(batch.get(1));
    assertInstanceOf(HandlerException.class, e);
    assertTrue(e.getMessage().contains("postprocess returned null for item 1 of a batch of 3"), e.getMessage());
    assertEquals("out-ok-0", batch.get(0).get(10, TimeUnit.SECONDS));
    assertEquals("out-ok-2", batch.get(2).get(10, TimeUnit.SECONDS));
    assertEquals(2, script.batches.size(), "no bisection: the hold, then one batch");
  }

  @Test
  void aLoneSurvivorOfAFailedBatchRunsAgainAloneInsteadOfTakingTheBlame() throws Exception {
    List<CompletableFuture<Object>> batch = oneBatch(Map.of(), "fail-bomb", "ok-1");
    assertOwnFailure(batch.get(0), "fail-bomb");
    assertEquals("out-ok-1", batch.get(1).get(10, TimeUnit.SECONDS));
    assertEquals(List.of("ok-1"), script.batches.get(2), "ok-1 ran once more, alone");
  }

  private static void assertOwnFailure(CompletableFuture<Object> f, String input) {
    Throwable e = cause(f);
    assertInstanceOf(InvalidInputException.class, e);
    assertEquals("bad input " + input, e.getMessage());
  }

  /** Registers one worker, holds it on a first request, queues {@code inputs} behind it, then lets them run. */
  private List<CompletableFuture<Object>> oneBatch(Map<String, Object> config, String... inputs) {
    Map<String, Object> c = new java.util.HashMap<>(Map.of("workers", 1, "maxBatchSize", 8));
    c.putAll(config);
    server.register(ModelArchive.builder("m", "1").handler("shaped").config(c).writeDirectory(dir.resolve("m")));
    CompletableFuture<Object> hold = server.predict("m", "hold");
    try {
      assertTrue(script.entered.await(10, TimeUnit.SECONDS));
      List<CompletableFuture<Object>> batch = new ArrayList<>();
      for (String input : inputs) {
        batch.add(server.predict("m", input));
      }
      script.gate.countDown();
      assertEquals("out-hold", hold.get(10, TimeUnit.SECONDS));
      return batch;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /**
   * Answers {@code "out-" + input}. "hold" waits at the gate; "fail-*" is failed with {@link Batch#fail}; "extra"
   * adds one output too many to its batch's result, "null-list" makes it null, "null" returns null as its entry;
   * inference throws for a batch holding "fail-bomb".
   */
  static final class Shaped implements Handler<String, String> {
    /** Shared by the instances of one test. */
    static final class Script {
      final CountDownLatch gate = new CountDownLatch(1);
      final CountDownLatch entered = new CountDownLatch(1);
      final List<List<String>> batches = new CopyOnWriteArrayList<>();
      /** Return entries only for the items not failed. */
      volatile boolean shortResult;
      /** Return null when every item failed. */
      volatile boolean nullWhenAllFailed;
    }

    private final Script script;

    Shaped(Script script) {
      this.script = script;
    }

    @Override
    public Class<?> inputType() {
      return String.class;
    }

    @Override
    public Object preprocess(Batch<String> batch) throws InterruptedException {
      script.batches.add(List.copyOf(batch.inputs()));
      if (batch.inputs().contains("hold")) {
        script.entered.countDown();
        script.gate.await(10, TimeUnit.SECONDS);
      }
      for (int i = 0; i < batch.size(); i++) {
        if (batch.input(i).startsWith("fail-")) {
          batch.fail(i, new InvalidInputException("bad input " + batch.input(i)));
        }
      }
      return null;
    }

    @Override
    public Object inference(Object preprocessed, Batch<String> batch) {
      if (batch.inputs().contains("fail-bomb")) {
        throw new IllegalStateException("the failed item broke the whole batch");
      }
      return null;
    }

    @Override
    public List<String> postprocess(Object inferred, Batch<String> batch) {
      List<String> out = new ArrayList<>();
      boolean allFailed = true;
      for (int i = 0; i < batch.size(); i++) {
        String in = batch.input(i);
        allFailed &= batch.isFailed(i);
        if (batch.isFailed(i)) {
          if (!script.shortResult) {
            out.add(null);
          }
        } else {
          out.add(in.equals("null") ? null : "out-" + in);
        }
      }
      if (batch.inputs().contains("extra")) {
        out.add("one too many");
      }
      boolean noResult = batch.inputs().contains("null-list") || (allFailed && script.nullWhenAllFailed);
      return noResult ? null : out;
    }
  }
}
