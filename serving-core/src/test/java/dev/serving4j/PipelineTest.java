package dev.serving4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineTest {
  @TempDir Path dir;
  PipelineFixture f;

  @AfterEach
  void close() {
    f.close();
  }

  private PipelineFixture fixture(Map<String, ?> lineConfig) {
    f = new PipelineFixture(dir, lineConfig);
    return f;
  }

  /** input "a,b,c" → one {@code line} call per item → the items collected under {@code policy}. */
  private Pipeline<String, List<PipelineItem<String>>> lines(ItemFailure policy) {
    PipelineBuilder<String> b = Pipeline.builder(f.server, "lines", String.class);
    PipelineItems<String> parts = b.fanOut("split", b.input(), s -> List.of(s.split(",")));
    PipelineItems<String> done = b.model("line", "line", parts, String.class);
    return b.build(b.collect("collect", done, policy));
  }

  private static List<String> values(List<PipelineItem<String>> items) {
    return items.stream().map(i -> i.index() + "=" + (i.succeeded() ? i.value() : "error")).toList();
  }

  private static Throwable failure(CompletableFuture<?> call) {
    return assertThrows(ExecutionException.class, () -> call.get(20, TimeUnit.SECONDS)).getCause();
  }

  @Test
  void aSequencePassesEachOutputToTheNextNode() throws Exception {
    fixture(Map.of());
    PipelineBuilder<String> b = Pipeline.builder(f.server, "seq", String.class);
    PipelineValue<String> up = b.model("upper", "upper", b.input(), String.class);
    PipelineValue<String> loud = b.map("exclaim", up, s -> s + "!");
    Pipeline<String, String> p = b.build(b.model("wrap", "wrap", loud, String.class));
    assertEquals("[ABC!]", p.run("abc").get(20, TimeUnit.SECONDS));
    assertEquals(List.of("input", "upper", "exclaim", "wrap"), p.nodes());
  }

  @Test
  void itemsOfConcurrentCallsBatchTogetherInTheNodesQueue() throws Exception {
    fixture(Map.of("maxBatchSize", 6, "workers", 1));
    Pipeline<String, List<PipelineItem<String>>> p = lines(ItemFailure.FAIL_PIPELINE);
    f.line.hold();
    CompletableFuture<Object> blocker = f.server.predict("line", "blocker");
    assertTrue(f.line.entered.await(20, TimeUnit.SECONDS));
    f.lineQueued = new CountDownLatch(12);
    List<CompletableFuture<List<PipelineItem<String>>>> calls = new ArrayList<>();
    for (int c = 0; c < 3; c++) {
      calls.add(p.run(c + "a," + c + "b," + c + "c," + c + "d"));
    }
    assertTrue(f.lineQueued.await(20, TimeUnit.SECONDS), "12 items queued");
    f.line.release();
    blocker.get(20, TimeUnit.SECONDS);
    for (int c = 0; c < 3; c++) {
      assertEquals(List.of("0=line:" + c + "a", "1=line:" + c + "b", "2=line:" + c + "c", "3=line:" + c + "d"),
          values(calls.get(c).get(20, TimeUnit.SECONDS)));
    }
    assertEquals(List.of(1, 6, 6), f.line.batchSizes, "the blocker alone, then 12 items of 3 calls in full batches");
  }

  @Test
  void failPipelineFailsTheCallWithTheItemsError() {
    fixture(Map.of());
    Throwable e = failure(lines(ItemFailure.FAIL_PIPELINE).run("a,bad,c"));
    assertInstanceOf(HandlerException.class, e);
    assertTrue(e.getMessage().contains("item 'bad' failed on purpose"), e.getMessage());
  }

  @Test
  void dropLeavesTheFailedItemOutAndKeepsTheOthersIndexes() throws Exception {
    fixture(Map.of());
    List<PipelineItem<String>> got = lines(ItemFailure.DROP).run("a,bad,c").get(20, TimeUnit.SECONDS);
    assertEquals(List.of("0=line:a", "2=line:c"), values(got));
  }

  @Test
  void keepReturnsTheFailedItemWithItsError() throws Exception {
    fixture(Map.of());
    List<PipelineItem<String>> got = lines(ItemFailure.KEEP).run("a,bad,c").get(20, TimeUnit.SECONDS);
    assertEquals(List.of("0=line:a", "1=error", "2=line:c"), values(got));
    assertInstanceOf(HandlerException.class, got.get(1).error());
  }

  @Test
  void aFunctionThatThrowsFailsOnlyItsItem() throws Exception {
    fixture(Map.of());
    PipelineBuilder<String> b = Pipeline.builder(f.server, "fn", String.class);
    PipelineItems<String> parts = b.fanOut("split", b.input(), s -> List.of(s.split(",")));
    PipelineItems<String> checked = b.map("check", parts, s -> {
      if (s.equals("x")) {
        throw new IllegalStateException("no x");
      }
      return s;
    });
    List<PipelineItem<String>> got = b.build(b.collect("collect", checked, ItemFailure.KEEP))
        .run("a,x").get(20, TimeUnit.SECONDS);
    assertEquals(List.of("0=a", "1=error"), values(got));
    assertTrue(got.get(1).error().getMessage().contains("pipeline 'fn' node 'check' threw"), "names the node");
  }

  @Test
  void functionNodesRunOnThePipelinesExecutorNotOnAModelWorker() throws Exception {
    fixture(Map.of());
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor(
        r -> new Thread(r, "pipeline-pool"));
    try {
      PipelineBuilder<String> b = Pipeline.builder(f.server, "threads", String.class).executor(pool);
      PipelineValue<String> up = b.model("upper", "upper", b.input(), String.class);
      Pipeline<String, String> p = b.build(b.map("where", up, s -> s + "@" + Thread.currentThread().getName()));
      assertEquals("A@pipeline-pool", p.run("a").get(20, TimeUnit.SECONDS));
    } finally {
      pool.shutdownNow();
    }
  }

  private Pipeline<String, String> upperThenSecond() {
    PipelineBuilder<String> b = Pipeline.builder(f.server, "timed", String.class);
    return b.build(b.model("second", "second", b.model("upper", "upper", b.input(), String.class), String.class));
  }

  @Test
  void eachNodeCallGetsOnlyTheTimeLeftOfTheCallsDeadline() {
    fixture(Map.of());
    f.upper.onInference = f.advance(Duration.ofSeconds(6));
    f.second.onPrepare = f.advance(Duration.ofSeconds(5)); // 5 s fit a fresh 10 s timeout, not the 4 s left
    Throwable e = failure(upperThenSecond().run("a", Duration.ofSeconds(10)));
    assertInstanceOf(DeadlineExceededException.class, e);
    assertTrue(e.getMessage().contains("'second'") && e.getMessage().contains("timeout 4000ms"), e.getMessage());
  }

  @Test
  void aNodeDueAfterTheDeadlineIsNeverCalled() {
    fixture(Map.of());
    f.upper.onInference = f.advance(Duration.ofSeconds(11));
    Throwable e = failure(upperThenSecond().run("a", Duration.ofSeconds(10)));
    assertInstanceOf(DeadlineExceededException.class, e);
    assertTrue(e.getMessage().contains("node 'second': deadline passed"), e.getMessage());
    assertEquals(0, f.counts("second").accepted());
  }

  @Test
  void cancellingTheCallRemovesItsQueuedNodeRequests() throws Exception {
    fixture(Map.of("maxBatchSize", 1, "workers", 1));
    Pipeline<String, List<PipelineItem<String>>> p = lines(ItemFailure.FAIL_PIPELINE);
    f.line.hold();
    CompletableFuture<Object> blocker = f.server.predict("line", "blocker");
    assertTrue(f.line.entered.await(20, TimeUnit.SECONDS));
    f.lineQueued = new CountDownLatch(3);
    CompletableFuture<List<PipelineItem<String>>> call = p.run("a,b,c");
    assertTrue(f.lineQueued.await(20, TimeUnit.SECONDS), "3 items queued");
    assertTrue(call.cancel(false));
    // The queued event of the third item can come before the pipeline tracks its future; tracking it after the
    // cancel cancels it too, a moment later.
    Servers.awaitTrue("every queued item is cancelled",
        () -> f.server.describe("line").versions().get(0).counts().cancelled() == 3);
    ModelDescription.Version line = f.server.describe("line").versions().get(0);
    assertEquals(0, line.queueDepth());
    f.line.release();
    blocker.get(20, TimeUnit.SECONDS);
    assertEquals(List.of(1), f.line.batchSizes, "no cancelled item reached the handler");
    assertThrows(CancellationException.class, call::join);
  }
}
