package dev.serving4j.internal;

import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * A version's one timer: a single task on the server's timer thread, armed for the earliest moment something
 * must happen — a queued or running request's deadline, or a running batch's inference timeout. When it fires it
 * scans the queue and the running batches once, expires what is due (a deadline passed: {@code
 * DeadlineExceededException}; a batch overran: the watchdog of {@link BatchRunner#overrun}), and re-arms for the
 * earliest moment left.
 *
 * <p>Arming is a volatile read when the new moment is not earlier than the armed one, and a timer operation
 * otherwise. With one timeout for every request, deadlines arrive in order, so only the first request after a
 * quiet spell touches the timer; batches arm their inference timeout the same way.
 *
 * <p>Times are the server's {@link dev.serving4j.Ticker}'s: a request is late when the ticker says so. The task
 * wakes on real time after the ticker-time interval it waits for, so with an injected ticker that stands still a
 * scan finds nothing due and waits again.
 *
 * <p>No moment is missed: whatever is not seen by a scan (a request between the queue and its batch) arms itself
 * after the scan's reset, because requests arm after they are queued and batches after they are published as the
 * worker's current batch.
 */
final class Deadlines {
  /** Floor of a wait, so a ticker stopped just short of a deadline cannot make the timer thread spin. */
  private static final long MIN_WAIT_NANOS = 50_000;

  private final ModelVersion version;
  private final long inferenceTimeoutNanos;
  // Written under this; read without it by arm's fast path.
  private volatile boolean armed;
  private volatile long armedFor;
  private ScheduledFuture<?> task; // guarded by this
  private boolean closed; // guarded by this

  Deadlines(ModelVersion version) {
    this.version = version;
    this.inferenceTimeoutNanos = version.config.inferenceTimeout().toNanos();
  }

  /** Makes sure a scan runs no later than ticker time {@code at}. */
  void arm(long at) {
    if (armed && at - armedFor >= 0) {
      return;
    }
    synchronized (this) {
      if (closed || (armed && at - armedFor >= 0)) {
        return;
      }
      if (task != null) {
        task.cancel(false);
      }
      long wait = Math.max(MIN_WAIT_NANOS, at - version.now());
      try {
        task = version.resources.timer.schedule(this::scan, wait, TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        return; // the server is closing; its versions fail what is left
      }
      armedFor = at;
      armed = true;
    }
  }

  /** A batch started at {@code start}: its inference timeout and its requests' deadlines. */
  void batchStarted(long start, long earliestDeadline) {
    long timeoutAt = start + inferenceTimeoutNanos;
    arm(earliestDeadline != Long.MAX_VALUE && earliestDeadline - timeoutAt < 0 ? earliestDeadline : timeoutAt);
  }

  /** Stops arming and cancels the pending scan. */
  synchronized void close() {
    closed = true;
    armed = false;
    if (task != null) {
      task.cancel(false);
      task = null;
    }
  }

  /** The scan (run by the timer; tests call it after moving their ticker). */
  void scan() {
    synchronized (this) {
      armed = false;
      task = null;
    }
    long now = version.now();
    Earliest next = new Earliest();
    // The queue first, then the running batches (see the class comment for why this order loses nothing).
    List<Request> late = version.queue.expired(now, next);
    late.forEach(version.outcomes::expire);
    for (Worker w : version.pool.snapshot()) {
      RunningBatch b = w.currentBatch();
      if (b == null) {
        continue;
      }
      long timeoutAt = b.startNanos() + inferenceTimeoutNanos;
      if (now - timeoutAt >= 0) {
        version.runner.overrun(w, b);
        continue;
      }
      next.accept(timeoutAt);
      for (Request r : b.requests()) {
        if (r.deadlineNanos == Long.MAX_VALUE || r.isDone()) {
          continue;
        }
        if (now - r.deadlineNanos >= 0) {
          version.outcomes.expire(r);
        } else {
          next.accept(r.deadlineNanos);
        }
      }
    }
    if (next.any) {
      arm(next.at);
    }
  }

  /** The earliest of the moments it is given (ticker times compare by difference: they may wrap). */
  private static final class Earliest implements LongConsumer {
    boolean any;
    long at;

    @Override
    public void accept(long moment) {
      if (!any || moment - at < 0) {
        at = moment;
        any = true;
      }
    }
  }
}
