package dev.serving4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A caller that blocks for its lone queued request runs it on its own thread, on an idle worker's handler
 * ({@code callerRuns}); a caller that does not block, or a model that opted out, never does; a crash or a hang on a
 * caller's thread is handled as on a worker's: typed error, the worker restarts on its own thread, nothing wedges.
 *
 * <p>Which thread wins a lone request is a race (the worker's thread is woken as the request is queued), so the
 * tests that look for caller-run batches leave the worker time to park first and ask for one of many, while the
 * tests that forbid them are exact.
 */
class CallerRunsTest {
  @TempDir Path dir;
  final Threads threads = new Threads();
  final ModelServer server = ModelServer.builder().handler("threads", () -> new ThreadsHandler(threads))
      .restartBackoff(Duration.ofMillis(1), Duration.ofMillis(20)).drainTimeout(Duration.ofSeconds(20)).build();

  @AfterEach
  void close() {
    threads.release.countDown();
    server.close();
  }

  @Test
  void aCallerThatBlocksForItsLoneRequestRunsItOnItsOwnThread() throws Exception {
    register(Map.of("workers", 1));
    int onCaller = 0;
    for (int i = 0; i < 20; i++) {
      Thread.sleep(3); // the worker's thread stops spinning and parks
      assertEquals("ok:" + i, server.predict("m", "ok:" + i).join());
      onCaller += threads.lastRun == Thread.currentThread() ? 1 : 0;
    }
    assertTrue(onCaller > 0, "no lone request ran on the caller's thread");
    // initialize and close stay on the worker's thread; the handler saw one thread at a time
    assertTrue(threads.initializedOn.stream().allMatch(t -> t.getName().contains("worker")), threads.initializedOn.toString());
    assertEquals(0, threads.overlaps.get());
  }

  @Test
  void theTypedClientsJoinAndPredictBlockingRunALoneRequestToo() throws Exception {
    register(Map.of("workers", 1));
    ModelClient<String, String> client = server.client("m", String.class, String.class);
    int onCaller = 0;
    for (int i = 0; i < 20; i++) {
      Thread.sleep(3);
      String out = i % 2 == 0 ? client.predict("ok:" + i).join() : client.predictBlocking("ok:" + i);
      assertEquals("ok:" + i, out);
      onCaller += threads.lastRun == Thread.currentThread() ? 1 : 0;
    }
    assertTrue(onCaller > 0, "no lone request ran on the caller's thread");
  }

  @Test
  void predictWithoutWaitingNeverRunsOnTheCallersThread() throws Exception {
    register(Map.of("workers", 1));
    for (int i = 0; i < 20; i++) {
      CountDownLatch done = new CountDownLatch(1);
      server.predict("m", "ok:" + i).whenComplete((v, e) -> done.countDown());
      assertTrue(done.await(10, TimeUnit.SECONDS));
      assertNotEquals(Thread.currentThread(), threads.lastRun);
    }
  }

  @Test
  void withCallerRunsOffEveryBatchRunsOnAWorkersThread() {
    register(Map.of("workers", 1, "callerRuns", false));
    for (int i = 0; i < 20; i++) {
      server.predict("m", "ok:" + i).join();
      assertTrue(threads.lastRun.getName().contains("worker"), threads.lastRun.getName());
    }
  }

  @Test
  void inFixedDelayModeALoneRequestStillWaitsForItsBatchOnAWorker() {
    register(Map.of("workers", 1, "batchingMode", "FIXED_DELAY", "maxBatchDelay", "2ms", "maxBatchSize", 4));
    for (int i = 0; i < 10; i++) {
      server.predict("m", "ok:" + i).join();
      assertTrue(threads.lastRun.getName().contains("worker"), threads.lastRun.getName());
    }
  }

  @Test
  void aCrashOnACallersThreadFailsTheRequestAndTheWorkerRestartsOnItsOwnThread() throws Exception {
    register(Map.of("workers", 1, "idempotent", false));
    boolean onCaller = false;
    for (int attempt = 1; attempt <= 5 && !onCaller; attempt++) {
      assertEquals("ok:warm", server.predict("m", "ok:warm").join());
      Thread.sleep(3);
      ExecutionException e = assertThrows(ExecutionException.class, () -> server.predict("m", "crash").get());
      assertInstanceOf(WorkerFailedException.class, e.getCause());
      onCaller = threads.lastRun == Thread.currentThread();
      int restarts = attempt;
      Servers.awaitTrue("the worker re-initialized", () -> threads.initializedOn.size() == 1 + restarts);
    }
    assertTrue(onCaller, "no crash ran on the caller's thread");
    assertTrue(threads.initializedOn.stream().allMatch(t -> t.getName().contains("worker")), threads.initializedOn.toString());
    assertTrue(threads.closedOn.stream().allMatch(t -> t.getName().contains("worker")), threads.closedOn.toString());
    for (int i = 0; i < 5; i++) {
      assertEquals("ok:" + i, server.predict("m", "ok:" + i).join());
    }
    assertEquals(0, threads.overlaps.get());
  }

  @Test
  void aHangOnACallersThreadEndsWithTheInferenceTimeoutNotWithTheHang() throws Exception {
    register(Map.of("workers", 1, "inferenceTimeout", "200ms", "idempotent", false));
    boolean onCaller = false;
    for (int attempt = 1; attempt <= 5 && !onCaller; attempt++) {
      assertEquals("ok:warm", server.predict("m", "ok:warm").get(10, TimeUnit.SECONDS));
      Thread.sleep(3);
      // The hang waits 60 s: the caller gets here in time only because the watchdog interrupts the running thread.
      ExecutionException e = assertThrows(ExecutionException.class, () -> server.predict("m", "hang").get());
      assertInstanceOf(InferenceTimeoutException.class, e.getCause());
      onCaller = threads.lastRun == Thread.currentThread();
      assertFalse(Thread.currentThread().isInterrupted(), "the watchdog's interrupt leaked to the caller");
    }
    assertTrue(onCaller, "no hang ran on the caller's thread");
    for (int i = 0; i < 5; i++) {
      assertEquals("ok:" + i, server.predict("m", "ok:" + i).get(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void manyBlockingCallersNeverRunOneHandlerOnTwoThreadsAtOnce() throws Exception {
    register(Map.of("workers", 2, "maxBatchSize", 4));
    List<Thread> callers = new CopyOnWriteArrayList<>();
    AtomicInteger wrong = new AtomicInteger();
    for (int c = 0; c < 6; c++) {
      int id = c;
      Thread t = new Thread(() -> {
        for (int i = 0; i < 300; i++) {
          String in = "ok:" + id + "-" + i;
          if (!in.equals(server.predict("m", in).join())) {
            wrong.incrementAndGet();
          }
        }
      });
      callers.add(t);
      t.start();
    }
    for (Thread t : callers) {
      t.join(60_000);
    }
    assertEquals(0, wrong.get());
    assertEquals(0, threads.overlaps.get(), "a handler instance ran on two threads at once");
  }

  @Test
  void underLoadTheCallersOfAFastModelRunEachOthersRequests() throws Exception {
    register(Map.of("workers", 1, "maxBatchSize", 8));
    boolean helped = false;
    // Whether a caller finds others' requests queued is up to the OS scheduler: rounds until one does (or 30).
    for (int round = 0; round < 30 && !helped; round++) {
      assertEquals(0, callers(8, 500), "wrong answers");
      helped = threads.runs.stream().anyMatch(run -> !run.getKey().getName().contains("worker")
          && run.getValue().stream().anyMatch(in -> !in.startsWith(run.getKey().getName() + "/")));
    }
    assertTrue(helped, "no caller ran another caller's request in 30 rounds");
    assertEquals(0, threads.overlaps.get(), "a handler instance ran on two threads at once");
  }

  @Test
  void theCallersOfASlowModelRunNothingButTheirOwnLoneRequest() throws Exception {
    threads.sleepMillis = 2; // a batch takes milliseconds: the callers park rather than help
    register(Map.of("workers", 2, "maxBatchSize", 8));
    assertEquals(0, callers(6, 40), "wrong answers");
    for (Map.Entry<Thread, List<String>> run : threads.runs) {
      if (!run.getKey().getName().contains("worker")) {
        assertEquals(1, run.getValue().size(), "a caller ran a batch of several: " + run);
        assertTrue(run.getValue().get(0).startsWith(run.getKey().getName() + "/"), "a caller ran another's: " + run);
      }
    }
  }

  @Test
  void asyncRequestsOfferedWhileCallersHelpAreAllAnsweredAfterTheHelpersLeave() throws Exception {
    register(Map.of("workers", 1, "maxBatchSize", 8, "maxQueueSize", 100_000));
    int asyncCount = 3000;
    CountDownLatch answered = new CountDownLatch(asyncCount);
    AtomicInteger wrong = new AtomicInteger();
    java.util.concurrent.atomic.AtomicReference<Throwable> firstError = new java.util.concurrent.atomic.AtomicReference<>();
    Thread async = new Thread(() -> {
      for (int i = 0; i < asyncCount; i++) {
        String in = "async/" + i;
        // Never waits: an offer made while callers help wakes no worker, so only the helpers' hand-over saves it.
        server.predict("m", in).whenComplete((v, e) -> {
          if (!in.equals(v)) {
            wrong.incrementAndGet();
            firstError.compareAndSet(null, e);
          }
          answered.countDown();
        });
        if (i % 16 == 0) {
          Thread.yield();
        }
      }
    });
    async.start();
    assertEquals(0, callers(4, 1000), "wrong answers");
    async.join(60_000);
    assertTrue(answered.await(20, TimeUnit.SECONDS), answered.getCount() + " async requests never answered");
    assertEquals(0, wrong.get(), "wrong async answers; first error: " + firstError.get());
  }

  /** {@code n} threads named caller-i, each joining {@code each} requests tagged with its name; wrong answers. */
  private int callers(int n, int each) throws InterruptedException {
    AtomicInteger wrong = new AtomicInteger();
    List<Thread> callers = new CopyOnWriteArrayList<>();
    for (int c = 0; c < n; c++) {
      Thread t = new Thread(() -> {
        for (int i = 0; i < each; i++) {
          String in = Thread.currentThread().getName() + "/" + i;
          if (!in.equals(server.predict("m", in).join())) {
            wrong.incrementAndGet();
          }
        }
      }, "caller-" + c);
      callers.add(t);
      t.start();
    }
    for (Thread t : callers) {
      t.join(60_000);
    }
    return wrong.get();
  }

  private void register(Map<String, Object> config) {
    server.register(ModelArchive.builder("m", "1").handler("threads").config(config)
        .writeDirectory(dir.resolve("m-" + System.nanoTime())));
  }

  /** What the handlers saw, shared by every instance. */
  static final class Threads {
    volatile Thread lastRun;
    final List<Thread> initializedOn = new CopyOnWriteArrayList<>();
    final List<Thread> closedOn = new CopyOnWriteArrayList<>();
    final AtomicInteger overlaps = new AtomicInteger();
    final CountDownLatch release = new CountDownLatch(1);
    /** Every batch's inputs, by the thread that ran it. */
    final List<Map.Entry<Thread, List<String>>> runs = new CopyOnWriteArrayList<>();
    volatile long sleepMillis;
  }

  /** Echoes its input; "crash" throws an Error, "hang" waits (interruptibly) for a minute. */
  static final class ThreadsHandler implements Handler<String, String> {
    private final Threads threads;
    private final AtomicInteger inside = new AtomicInteger();
    private boolean worker;

    ThreadsHandler(Threads threads) {
      this.threads = threads;
    }

    @Override
    public void initialize(HandlerContext context) {
      worker = context.workerId() >= 0;
      if (worker) {
        threads.initializedOn.add(Thread.currentThread());
      }
    }

    @Override
    public Object preprocess(Batch<String> batch) {
      if (inside.incrementAndGet() != 1) {
        threads.overlaps.incrementAndGet();
      }
      return batch.inputs();
    }

    @Override
    public Object inference(Object preprocessed, Batch<String> batch) throws Exception {
      threads.lastRun = Thread.currentThread();
      threads.runs.add(Map.entry(Thread.currentThread(), List.copyOf(batch.inputs())));
      if (threads.sleepMillis > 0) {
        Thread.sleep(threads.sleepMillis);
      }
      try {
        for (String in : batch.inputs()) {
          if (in.equals("crash")) {
            throw new AssertionError("crash requested");
          }
          if (in.equals("hang")) {
            threads.release.await(60, TimeUnit.SECONDS);
          }
        }
        return preprocessed;
      } finally {
        inside.decrementAndGet();
      }
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<String> postprocess(Object inferred, Batch<String> batch) {
      return (List<String>) inferred;
    }

    @Override
    public void close() {
      if (worker) { // not the instance serving4j reads the declared types from, which is never initialized
        threads.closedOn.add(Thread.currentThread());
      }
    }
  }
}
