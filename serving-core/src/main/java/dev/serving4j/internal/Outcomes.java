package dev.serving4j.internal;

import dev.serving4j.DeadlineExceededException;
import dev.serving4j.ModelDescription;
import dev.serving4j.internal.metrics.RecentWindow;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * How a version's requests end. {@link RequestFuture} calls {@link #accountFor} when it is claimed, before the
 * caller can see the outcome (counts, the recent window, events, traces), and {@link #released} after; so whoever
 * sees a result also finds it counted, and a drain waits for every future. Accepted requests are therefore counted
 * twice: {@code unanswered} until accounted for (the gauge, idleness for multiplexing) and {@code pending} until
 * released (what {@link #awaitDrained} waits for). {@link #expire} words the
 * {@link DeadlineExceededException} of a request that ran out of time, wherever that was found.
 */
final class Outcomes {
  private final ModelVersion version;
  private final AtomicInteger unanswered = new AtomicInteger();
  private final AtomicInteger pending = new AtomicInteger();
  private final ReentrantLock drainLock = new ReentrantLock();
  private final Condition drained = drainLock.newCondition();
  private volatile boolean draining;
  private final RecentWindow recent;
  /** Callers spinning for their answer now ({@link #spinForAnswer}); at most one core fewer than the machine has. */
  private final AtomicInteger spinners = new AtomicInteger();
  private static final int MAX_SPINNERS = Math.max(0, Runtime.getRuntime().availableProcessors() - 1);

  /**
   * How long a caller may spin for an answer before it parks: a few times the hand-off it saves (a park/unpark
   * round trip costs tens of microseconds on a VM), far below the millisecond an idle core may burn.
   */
  static final long CALLER_SPIN_NANOS = 100_000;

  Outcomes(ModelVersion version, long createdNanos) {
    this.version = version;
    this.recent = new RecentWindow(createdNanos);
  }

  /** A request was accepted (called before it is offered to the queue). */
  void accepted() {
    unanswered.incrementAndGet();
    pending.incrementAndGet();
  }

  /** Accounts for a request's outcome; called by its {@link RequestFuture} just before the caller sees it. */
  void accountFor(Request r, Throwable e) {
    if (r.queued) {
      version.queue.remove(r);
    }
    VersionStats stats = version.stats;
    VersionEvents.Outcome outcome;
    if (e == null) {
      stats.succeeded.increment();
      outcome = VersionEvents.Outcome.SUCCESS;
    } else if (e instanceof CancellationException) {
      stats.cancelled.increment();
      outcome = VersionEvents.Outcome.CANCELLED;
    } else if (e instanceof DeadlineExceededException) {
      stats.expired.increment();
      outcome = VersionEvents.Outcome.EXPIRED;
    } else {
      stats.failed.increment();
      outcome = VersionEvents.Outcome.FAILED;
    }
    long end = version.now();
    if (e == null) {
      recent.record(end, end - r.arrivalNanos);
    }
    version.events.completed(r.id, r.batchId, outcome, r.arrivalNanos, r.startNanos, end, e);
    r.trace.completed(outcome, e);
    answered();
  }

  /** An accepted request was answered, or refused by the queue after all. */
  void answered() {
    if (unanswered.decrementAndGet() == 0) {
      version.onIdle();
    }
  }

  /** Releases a completed request's drain slot; called by its {@link RequestFuture} after completing it. */
  void released() {
    if (pending.decrementAndGet() == 0 && draining) {
      drainLock.lock();
      try {
        drained.signalAll();
      } finally {
        drainLock.unlock();
      }
    }
  }

  /** Fails {@code r}, which ran out of time: its deadline passed, or SLA mode predicted it would. */
  void expire(Request r) {
    if (r.predictedMissNanos > 0) {
      r.future.completeExceptionally(new DeadlineExceededException(String.format(Locale.ROOT,
          "%s: dropped early: predicted to miss its deadline by %.1fms (a batch of one is predicted to take %.1fms; "
              + "%.1fms of its %dms timeout were left; latencyTarget %dms)", version.label(),
          r.predictedMissNanos / 1e6, r.predictedRunNanos / 1e6, (r.predictedRunNanos - r.predictedMissNanos) / 1e6,
          (r.deadlineNanos - r.arrivalNanos) / 1_000_000, version.config.latencyTarget().toMillis())));
      return;
    }
    long waitedMs = (version.now() - r.arrivalNanos) / 1_000_000;
    String where = r.startNanos == 0 ? "while queued" : "while running";
    r.future.completeExceptionally(new DeadlineExceededException(version.label() + ": deadline passed after "
        + waitedMs + "ms " + where + " (timeout " + (r.deadlineNanos - r.arrivalNanos) / 1_000_000 + "ms)"));
  }

  /**
   * Called by a caller about to park for {@code r}'s answer: when the answer is due within
   * {@link #CALLER_SPIN_NANOS} (at most one request queued, and the cost model says a batch of one of its cost
   * takes under half that), waits for it on the CPU instead, so a fast model's answer costs no unpark. Bounded in
   * time and in spinners (never every core), and skipped while the cost model knows nothing or under load.
   */
  void spinForAnswer(Request r) {
    if (r.isDone() || version.queue.sizeHint() > 1) {
      return;
    }
    double expected = version.queue.costModel.fastest(r.cost);
    if (expected <= 0 || expected > CALLER_SPIN_NANOS / 2.0) {
      return;
    }
    if (spinners.incrementAndGet() > MAX_SPINNERS) {
      spinners.decrementAndGet();
      return;
    }
    try {
      long end = System.nanoTime() + CALLER_SPIN_NANOS;
      while (!r.isDone() && System.nanoTime() - end < 0) {
        // Yield, not onSpinWait: measured on this 2-core VM under load, a caller that held its core kept the worker
        // that had to answer it from running (p50 300 us against 4 us yielding; DispatchBenchmark).
        Thread.yield();
      }
    } finally {
      spinners.decrementAndGet();
    }
  }

  /** Requests accepted and not yet answered. */
  int inFlight() {
    return unanswered.get();
  }

  /**
   * Waits until every accepted request's future completed, or until {@code deadline} ({@link System#nanoTime()}: a
   * real wait, whatever the server's ticker); true when all did.
   */
  boolean awaitDrained(long deadline) {
    draining = true;
    drainLock.lock();
    try {
      while (pending.get() > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        drained.awaitNanos(left);
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      drainLock.unlock();
    }
  }

  /** The recent window's figures as of ticker time {@code now}. */
  ModelDescription.Recent recent(long now) {
    RecentWindow.Snapshot w = recent.snapshot(now);
    return new ModelDescription.Recent(w.window(), w.requests(), w.perSecond(), w.p50(), w.p99(), w.max());
  }
}
