package dev.serving4j.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serving4j.ModelArchive;
import dev.serving4j.ModelDescription;
import dev.serving4j.ModelServer;
import dev.serving4j.PredictOptions;
import dev.serving4j.ServingException;
import dev.serving4j.WorkerFailedException;
import dev.serving4j.WorkerState;
import dev.serving4j.reliability.ChaosHandler.Call;
import dev.serving4j.reliability.ChaosHandler.Chaos;
import dev.serving4j.reliability.ChaosHandler.Fault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chaos: many requests at concurrency 128 against a {@link ChaosHandler} that throws in every stage, fails items,
 * returns malformed results, hangs past the inference timeout, kills its workers and fails to initialize, while
 * callers cancel requests, set short deadlines and mix priorities. Every future must complete exactly once with its
 * own answer or a typed error, the server's counts must add up, it must serve cleanly afterwards and leave no thread
 * behind when closed. With failure isolation on, no innocent request (one that asked for no fault, no cancel and no
 * deadline) may fail because of its batch-mates: it gets its answer unless the version had no worker able to
 * start. {@link Variant} says which faults run.
 *
 * <p>CI size 10,000 requests; full size ({@code -Dserving4j.reliability.full=true}) 100,000. The seed is printed;
 * {@code -Dserving4j.reliability.seed=N} replays the same plan of faults, cancellations and deadlines.
 */
class ChaosTest {
  private static final int CONCURRENCY = 128;

  @TempDir Path dir;

  /** What each request will do, drawn up front from the seed so a run is replayable. */
  private record Plan(Fault[] faults, int[] cancelAfterMicros, int[] timeoutMillis, int[] priorities) {
    static Plan draw(long seed, int n, Variant v) {
      Random r = new Random(seed);
      Plan p = new Plan(new Fault[n], new int[n], new int[n], new int[n]);
      for (int i = 0; i < n; i++) {
        Fault f = fault(r.nextInt(10_000));
        boolean excluded = (f == Fault.CRASH && !v.crashes) || (f == Fault.HANG && !v.hangs);
        p.faults[i] = excluded ? Fault.NONE : f;
        int cancel = r.nextInt(100) < 3 ? r.nextInt(2_000) : -1;
        int timeout = r.nextInt(100) < 5 ? 1 + r.nextInt(20) : 0;
        p.cancelAfterMicros[i] = v.cancellations ? cancel : -1;
        p.timeoutMillis[i] = v.cancellations ? timeout : 0;
        p.priorities[i] = r.nextInt(3);
      }
      return p;
    }

    /**
     * Per 10,000: 200 item failures, 50 of each stage exception, 50 malformed results, 50 null entries, 100 slow,
     * 5 hangs, 20 crashes.
     */
    private static Fault fault(int roll) {
      if (roll < 200) {
        return Fault.ITEM_FAIL;
      } else if (roll < 250) {
        return Fault.THROW_PREPROCESS;
      } else if (roll < 300) {
        return Fault.THROW_INFERENCE;
      } else if (roll < 350) {
        return Fault.THROW_POSTPROCESS;
      } else if (roll < 400) {
        return Fault.MALFORMED;
      } else if (roll < 450) {
        return Fault.NULL_OUTPUT;
      } else if (roll < 550) {
        return Fault.SLOW;
      } else if (roll < 555) {
        return Fault.HANG;
      } else if (roll < 575) {
        return Fault.CRASH;
      }
      return Fault.NONE;
    }

    /** A request that asked for no fault, no cancel and no deadline. */
    boolean innocent(int id) {
      return faults[id].innocent() && cancelAfterMicros[id] < 0 && timeoutMillis[id] == 0;
    }
  }

  /** What the callers saw. */
  private static final class Outcomes {
    final AtomicIntegerArray completions;
    final CountDownLatch done;
    final LongAdder succeeded = new LongAdder();
    final LongAdder wrongAnswers = new LongAdder();
    final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    final ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
    final LongAdder innocentFailed = new LongAdder();
    final LongAdder innocentWithoutWorker = new LongAdder();
    final ConcurrentLinkedQueue<String> innocentFailures = new ConcurrentLinkedQueue<>();
    final String[] values;
    private final Plan plan;

    Outcomes(Plan plan) {
      int n = plan.faults.length;
      this.plan = plan;
      completions = new AtomicIntegerArray(n);
      done = new CountDownLatch(n);
      values = new String[n];
    }

    void record(int id, Object value, Throwable error) {
      if (completions.incrementAndGet(id) != 1) {
        unexpected.add("request " + id + " completed more than once");
        return;
      }
      if (error == null) {
        succeeded.increment();
        values[id] = (String) value;
        if (!("out-" + id).equals(value)) {
          wrongAnswers.increment();
          unexpected.add("request " + id + " got someone else's answer: " + value);
        }
      } else {
        Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (plan.innocent(id) && noReadyWorker(e)) {
          innocentWithoutWorker.increment();
        } else if (plan.innocent(id)) {
          innocentFailed.increment();
          if (innocentFailures.size() < 10) {
            innocentFailures.add("innocent request " + id + " failed: " + e);
          }
        }
        if (e instanceof ServingException || e instanceof CancellationException) {
          errors.computeIfAbsent(e.getClass().getSimpleName(), k -> new LongAdder()).increment();
        } else {
          unexpected.add("request " + id + " failed with an untyped " + e);
        }
      }
      done.countDown();
    }

    /**
     * The version had no worker able to start (initialize fails on purpose): queued requests fail with it, whatever
     * their batch-mates do. Not a neighbour's fault, so not counted against the innocent.
     */
    static boolean noReadyWorker(Throwable e) {
      return e instanceof WorkerFailedException && e.getMessage().contains("has no ready worker");
    }

    long count(String errorType) {
      LongAdder a = errors.get(errorType);
      return a == null ? 0 : a.sum();
    }
  }

  /**
   * Which parts of the fault space a run covers (every variant has the stage exceptions, item failures, malformed
   * results and slow batches). {@code HANGS} isolates the timeout-mate case: hangs past the inference timeout, and
   * no cancel or deadline, so every request that asked for no fault must succeed. {@code EVERYTHING} combines all
   * the faults (the combination that found the bugs listed in docs/reliability.md).
   */
  enum Variant {
    ISOLATION_ON_NO_CRASHES(true, false, false, false),
    ISOLATION_OFF_WITH_CRASHES(false, true, false, false),
    HANGS(true, false, true, false),
    EVERYTHING(true, true, true, true);

    final boolean failureIsolation;
    final boolean crashes;
    final boolean hangs;
    final boolean cancellations;

    Variant(boolean failureIsolation, boolean crashes, boolean hangs, boolean cancellations) {
      this.failureIsolation = failureIsolation;
      this.crashes = crashes;
      this.hangs = hangs;
      this.cancellations = cancellations;
    }
  }

  @ParameterizedTest
  @EnumSource(Variant.class)
  void everyRequestCompletesOnceWithItsOwnAnswerOrATypedErrorUnderChaos(Variant variant) throws Exception {
    int n = Sizes.pick(10_000, 100_000);
    long seed = Sizes.seed();
    System.out.println("ChaosTest " + variant + ": " + n + " requests, seed " + seed
        + " (replay with -Dserving4j.reliability.seed=" + seed + ")");
    Plan plan = Plan.draw(seed, n, variant);
    Chaos chaos = new Chaos(seed, n, 2_000);
    Outcomes outcomes = new Outcomes(plan);
    long start = System.nanoTime();
    ModelServer server = ModelServer.builder().name("chaos")
        .handler("alias", () -> new ChaosHandler(chaos))
        .restartBackoff(Duration.ofMillis(1), Duration.ofMillis(10))
        .drainTimeout(Duration.ofSeconds(30))
        .build();
    try {
      server.register(ModelArchive.builder("chaos", "1").handler("alias")
          .config(Map.of("workers", 4, "maxBatchSize", 16, "maxQueueSize", 1_000, "inferenceTimeout", "200ms",
              "priorityLevels", 3, "failureIsolation", variant.failureIsolation))
          .writeDirectory(dir.resolve("chaos")));
      submitAll(server, plan, outcomes);
      assertTrue(outcomes.done.await(Sizes.pick(60, 600), TimeUnit.SECONDS), () -> "lost requests: "
          + lost(outcomes, plan) + "; " + server.describe("chaos"));
      ModelDescription.Counts counts = settledCounts(server);
      recover(server, chaos);
      report(variant, n, seed, chaos, outcomes, counts, System.nanoTime() - start);
      assertEquals(List.of(), List.copyOf(outcomes.unexpected));
      assertEquals(0, outcomes.wrongAnswers.sum());
      if (variant.failureIsolation) {
        assertEquals(List.of(), List.copyOf(outcomes.innocentFailures), "innocent requests failed: "
            + outcomes.innocentFailed.sum());
      }
      checkDeliveries(n, chaos, outcomes);
      checkCounts(n, counts, outcomes);
    } finally {
      chaos.calm = true;
      server.close();
    }
    awaitNoThreadsNamed("chaos-");
  }

  private static void submitAll(ModelServer server, Plan plan, Outcomes outcomes) throws InterruptedException {
    Semaphore permits = new Semaphore(CONCURRENCY);
    ScheduledExecutorService cancels = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "test-canceller");
      t.setDaemon(true);
      return t;
    });
    try {
      for (int id = 0; id < plan.faults.length; id++) {
        permits.acquire();
        PredictOptions options = PredictOptions.ofPriority(plan.priorities[id])
            .withTimeout(plan.timeoutMillis[id] == 0 ? null : Duration.ofMillis(plan.timeoutMillis[id]));
        CompletableFuture<Object> f = server.predict("chaos", new Call(id, plan.faults[id]), options);
        int requestId = id;
        f.whenComplete((v, e) -> {
          permits.release();
          outcomes.record(requestId, v, e);
        });
        if (plan.cancelAfterMicros[id] >= 0) {
          cancels.schedule(() -> f.cancel(true), plan.cancelAfterMicros[id], TimeUnit.MICROSECONDS);
        }
      }
    } finally {
      cancels.shutdown();
    }
  }

  /** Waits until nothing is in flight, so the server's counters have caught up with the callers. */
  private static ModelDescription.Counts settledCounts(ModelServer server) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      ModelDescription.Version v = server.describe("chaos").versions().get(0);
      ModelDescription.Counts c = v.counts();
      if (v.inFlight() == 0 && c.accepted() == c.succeeded() + c.failed() + c.expired() + c.cancelled()) {
        return c;
      }
      if (System.nanoTime() > deadline) {
        return c; // the assertions will say what does not add up
      }
      Thread.sleep(5);
    }
  }

  /** After the storm: with initialize calm again, every worker comes back and 100 clean requests succeed. */
  private static void recover(ModelServer server, Chaos chaos) throws Exception {
    chaos.calm = true;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!server.describe("chaos").versions().get(0).workers().stream()
        .allMatch(w -> w.state() == WorkerState.IDLE || w.state() == WorkerState.BUSY)) {
      assertTrue(System.nanoTime() < deadline, () -> "workers did not recover: " + server.describe("chaos"));
      Thread.sleep(5);
    }
    List<CompletableFuture<Object>> clean = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      clean.add(server.predict("chaos", new Call(i, Fault.NONE)));
    }
    for (int i = 0; i < 100; i++) {
      assertEquals("out-" + i, clean.get(i).get(30, TimeUnit.SECONDS));
    }
    // A hang still running when the storm ended is retired by the watchdog and replaced; its thread leaves once
    // interrupted, so the pool settles back to exactly its 4 workers.
    while (server.describe("chaos").versions().get(0).workers().size() != 4) {
      assertTrue(System.nanoTime() < deadline,
          () -> "workers after recovery: " + server.describe("chaos").versions().get(0).workers());
      Thread.sleep(5);
    }
  }

  private static void checkDeliveries(int n, Chaos chaos, Outcomes outcomes) {
    for (int id = 0; id < n; id++) {
      int delivered = chaos.delivered.get(id);
      // The recovery phase reuses ids 0..99 once more; a batch the watchdog took as it finished runs once more.
      int allowed = (id < 100 ? 2 : 1) + chaos.discarded.get(id);
      assertTrue(delivered <= allowed, "request " + id + " ran to the end of postprocess " + delivered + " times");
      if (outcomes.values[id] != null) {
        assertTrue(delivered >= 1, "request " + id + " was answered without the handler answering it");
      }
    }
  }

  private static void checkCounts(int n, ModelDescription.Counts c, Outcomes o) {
    assertEquals(c.accepted(), c.succeeded() + c.failed() + c.expired() + c.cancelled(),
        "accepted = succeeded + failed + expired + cancelled: " + c);
    assertEquals(n, c.accepted() + c.rejected(), "every request was accepted or rejected: " + c);
    assertEquals(o.succeeded.sum(), c.succeeded(), "succeeded: callers vs describe");
    assertEquals(o.count("CancellationException"), c.cancelled(), "cancelled: callers vs describe");
    assertEquals(o.count("DeadlineExceededException"), c.expired(), "expired: callers vs describe");
    assertEquals(o.count("QueueFullException"), c.rejected(), "rejected: callers vs describe");
  }

  private static String lost(Outcomes o, Plan plan) {
    List<String> missing = new ArrayList<>();
    for (int id = 0; id < plan.faults.length && missing.size() < 20; id++) {
      if (o.completions.get(id) == 0) {
        missing.add(id + ":" + plan.faults[id]);
      }
    }
    return o.done.getCount() + " never completed, first ids " + missing;
  }

  private static void report(Variant variant, int n, long seed, Chaos chaos, Outcomes o, ModelDescription.Counts c, long nanos) {
    Map<String, Long> injected = new TreeMap<>();
    for (Fault f : Fault.values()) {
      if (f != Fault.NONE) {
        injected.put(f.name(), chaos.injected(f));
      }
    }
    injected.put("SLOW_INITIALIZE", chaos.slowInitializations.sum());
    injected.put("FAILED_INITIALIZE", chaos.failedInitializations.sum());
    Map<String, Long> errors = new TreeMap<>();
    o.errors.forEach((k, v) -> errors.put(k, v.sum()));
    long lost = o.done.getCount();
    long twice = o.unexpected.stream().filter(s -> s.contains("more than once")).count();
    System.out.printf("ChaosTest result " + variant + ": requests=%d seed=%d seconds=%.1f faultsInjected=%d %s%n"
        + "  callers: succeeded=%d errors=%s lost=%d answeredTwice=%d wrongAnswers=%d innocentFailed=%d of %d"
        + " (and %d failed for want of a ready worker)%n"
        + "  describe (before the 100 recovery requests): %s%n  handler instances created: %d; answers from retired"
        + " instances (possibly discarded): %d%n",
        n, seed, nanos / 1e9, chaos.totalInjected(), injected, o.succeeded.sum(), errors, lost, twice,
        o.wrongAnswers.sum(), o.innocentFailed.sum(), innocentCount(o.plan),
        o.innocentWithoutWorker.sum(), c, chaos.instances.get(),
        sum(chaos.discarded));
  }

  private static long sum(AtomicIntegerArray counts) {
    long sum = 0;
    for (int i = 0; i < counts.length(); i++) {
      sum += counts.get(i);
    }
    return sum;
  }

  private static long innocentCount(Plan plan) {
    long count = 0;
    for (int id = 0; id < plan.faults.length; id++) {
      count += plan.innocent(id) ? 1 : 0;
    }
    return count;
  }

  /** Fails unless every thread whose name starts with {@code prefix} ends within 15 s. */
  static void awaitNoThreadsNamed(String prefix) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    List<String> alive;
    do {
      alive = Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
          .filter(name -> name.startsWith(prefix)).sorted().toList();
      if (alive.isEmpty()) {
        return;
      }
      Thread.sleep(10);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("threads left after close: " + alive);
  }
}
