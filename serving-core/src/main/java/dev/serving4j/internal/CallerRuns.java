package dev.serving4j.internal;

import dev.serving4j.BatchingMode;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What a caller does when it is about to wait for its answer ({@code get}, {@code join}, {@code predictBlocking}):
 * when its request is the only one queued and a worker is idle, it borrows that worker and runs the batch of one on
 * its own thread. A lone request then pays neither the hand-off to a worker's thread nor the wake-up back, each tens
 * of microseconds on a VM. Otherwise the caller waits as before, spinning briefly when the answer is due within
 * microseconds ({@link Outcomes#spinForAnswer}).
 *
 * <p>The run is the worker's own: its handler instance, its device and sessions, its id in events, the same
 * {@link BatchRunner} (stage timings, cost model, item failures, the watchdog). Only the thread differs, so a
 * handler instance is used by one thread at a time but not always the same thread (the {@code Handler} contract).
 * The worker's run permit ({@link Worker}) keeps the worker's own thread off that handler meanwhile.
 *
 * <p>Never in {@code FIXED_DELAY} mode (a lone request there waits for batch-mates by design), never with
 * {@code callerRuns=false}, never when a bounded wait ({@code get(timeout)}) could not fit a batch of one as the
 * cost model predicts it. {@code predict} itself never runs anything: only a caller that blocks anyway does.
 */
final class CallerRuns {
  /** The longest a batch of one may be predicted to take for its caller to help rather than park. */
  static final long FAST_BATCH_NANOS = 50_000;
  /** How long a caller helps before it parks: about a millisecond at most (issue 14's bound on burnt CPU). */
  static final long HELP_NANOS = 1_000_000;

  private final ModelVersion version;
  private final boolean enabled;

  CallerRuns(ModelVersion version) {
    this.version = version;
    this.enabled = version.config.callerRuns() && version.config.batchingMode() == BatchingMode.ADAPTIVE;
  }

  /** Called by a caller about to wait without a bound for {@code r}'s answer. */
  void beforeWaiting(Request r) {
    if (!run(r) && !help(r)) {
      version.outcomes.spinForAnswer(r);
    }
  }

  /**
   * For a model whose batches take microseconds, under load: instead of parking (a wake-up each, which on a VM
   * costs more than such a batch), the caller runs whatever batch is queued on any idle worker it can borrow, and
   * yields between tries, until its own answer is in or {@link #HELP_NANOS} have passed. Offers skip waking a
   * parked worker while callers help. True when {@code r} was answered while this caller helped.
   */
  private boolean help(Request r) {
    if (!enabled || r.isDone() || Thread.currentThread().isInterrupted()) {
      return false;
    }
    double expected = version.queue.costModel.fastest(r.cost);
    if (expected <= 0 || expected > FAST_BATCH_NANOS) {
      return false;
    }
    RequestQueue queue = version.queue;
    queue.helping.incrementAndGet();
    try {
      long end = System.nanoTime() + HELP_NANOS;
      while (!r.isDone() && System.nanoTime() - end < 0) {
        if (queue.sizeHint() == 0 || !onIdleWorker(() -> queue.takeNow(version.outcomes::expire))) {
          Thread.yield(); // whoever holds a worker is running this caller's request, or will
        }
      }
    } finally {
      queue.stoppedHelping();
    }
    return r.isDone();
  }

  /** Called by a caller about to wait at most {@code timeout} for {@code r}'s answer. */
  void beforeWaiting(Request r, long timeout, TimeUnit unit) {
    double predicted = version.queue.costModel.fastest(r.cost);
    if (predicted <= 0 || predicted > unit.toNanos(timeout) || !run(r)) {
      version.outcomes.spinForAnswer(r);
    }
  }

  /** Runs {@code r} on the calling thread if it is alone in the queue and a worker is idle; true when it ran. */
  boolean run(Request r) {
    if (!enabled || r.isDone() || !r.queued || version.queue.sizeHint() != 1
        || Thread.currentThread().isInterrupted()) { // an interrupted caller's wait ends at once, as before
      return false;
    }
    // Not taken: a worker took it, or it was cancelled or expired, or another request came in.
    return onIdleWorker(() -> version.queue.takeAlone(r, version.now()) ? List.of(r) : List.of());
  }

  /**
   * Borrows an idle worker, takes a batch from the queue ({@code take}, called while the worker is lent, so the
   * worker's own thread cannot take the same requests) and runs it on the calling thread; gives the worker back.
   * False when no worker was idle or nothing was taken.
   */
  private boolean onIdleWorker(Supplier<List<Request>> take) {
    Worker w = version.pool.lendIdle();
    if (w == null) {
      return false;
    }
    try {
      List<Request> batch = take.get();
      if (batch.isEmpty()) {
        return false;
      }
      w.runLent(new RunningBatch(batch));
      return true;
    } finally {
      w.giveBack();
    }
  }
}
