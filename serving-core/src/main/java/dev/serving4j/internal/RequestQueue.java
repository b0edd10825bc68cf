package dev.serving4j.internal;

import dev.serving4j.BatchingMode;
import dev.serving4j.ModelConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The bounded queue of one model version, one FIFO per priority level, and the point where workers take batches.
 *
 * <p>Callers {@link #offer} without ever blocking: a full queue (or a full level) is refused at once. Workers call
 * {@link #take}, which decides under the lock which requests form the next batch ({@link BatchSelector}, sizing it
 * from the {@link CostModel} of the batches already run) and returns them; the worker runs them outside the lock.
 * In {@link BatchingMode#ADAPTIVE} a worker takes a batch the moment it is free, so a lone request never waits and
 * batches grow only while workers are busy. In
 * {@link BatchingMode#FIXED_DELAY} a worker waits until a full batch is queued or the oldest request has waited the
 * delay <em>since it arrived</em>.
 *
 * <p>The levels themselves are {@link RequestLevels}: intrusive lists, so a request that is cancelled or expires
 * while queued leaves in O(1).
 */
final class RequestQueue {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  /** Where a worker lent to a caller waits until the caller gives it back ({@link #permitFreed}). */
  private final Condition lentWait = lock.newCondition();
  private final ModelConfig config;
  private final BatchSelector selector;
  /** What batches of this version cost, learned from those it ran; read by the selector. */
  final CostModel costModel = new CostModel();
  private final long delayNanos;

  /** The per-level FIFOs; guarded by lock (their size is also read without it, as a hint). */
  private final RequestLevels levels;
  private volatile boolean closed; // written under the lock
  /** Workers spinning for work outside the lock: an offer need not wake a parked one. */
  private final java.util.concurrent.atomic.AtomicInteger spinning = new java.util.concurrent.atomic.AtomicInteger();
  /** Callers running batches while they wait ({@link CallerRuns}): an offer need not wake a parked worker either. */
  final java.util.concurrent.atomic.AtomicInteger helping = new java.util.concurrent.atomic.AtomicInteger();

  private final dev.serving4j.Ticker ticker;

  RequestQueue(ModelConfig config, dev.serving4j.Ticker ticker) {
    this.config = config;
    this.ticker = ticker;
    this.selector = new BatchSelector(config, costModel);
    this.delayNanos = config.maxBatchDelay().toNanos();
    this.levels = new RequestLevels(config.priorityLevels());
  }

  /** Outcome of {@link #offer}. */
  enum Offer {
    ACCEPTED,
    FULL,
    LEVEL_FULL,
    CLOSED
  }

  Offer offer(Request r) {
    lock.lock();
    try {
      if (closed) {
        return Offer.CLOSED;
      }
      int size = levels.size();
      if (size >= config.maxQueueSize()) {
        return Offer.FULL;
      }
      if (levels.size(r.level) >= config.queueLimitFor(r.level)) {
        return Offer.LEVEL_FULL;
      }
      levels.linkLast(r);
      size++;
      boolean ready = config.batchingMode() == BatchingMode.ADAPTIVE || size >= config.maxBatchSize() || size == 1;
      if (ready && spinning.get() == 0 && helping.get() == 0) {
        changed.signal(); // a spinning worker or a helping caller sees the request without a wake-up
      }
      return Offer.ACCEPTED;
    } finally {
      lock.unlock();
    }
  }

  /** Puts requests whose worker died back at the front of their levels; false if the queue is closed. */
  boolean requeue(List<Request> requests) {
    lock.lock();
    try {
      if (closed) {
        return false;
      }
      for (int i = requests.size() - 1; i >= 0; i--) {
        levels.linkFirst(requests.get(i));
      }
      changed.signalAll();
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Unlinks {@code r} if it is still queued; true when it was. */
  boolean remove(Request r) {
    lock.lock();
    try {
      if (!r.queued) {
        return false;
      }
      levels.unlink(r);
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** {@link #take(BooleanSupplier, Consumer, RunPermit)} for a taker that lends its handler to no one. */
  List<Request> take(BooleanSupplier stop, Consumer<Request> expire) throws InterruptedException {
    RunPermit unshared = new RunPermit();
    unshared.release();
    return take(stop, expire, unshared);
  }

  /**
   * Blocks until a batch is ready and returns it, or returns null once {@code stop} is true or the queue is closed
   * and empty. An empty list means only expired requests were found. Requests already done (cancelled, expired) are
   * dropped; requests whose deadline has passed are handed to {@code expire} instead of being started. The taker's
   * {@code permit} is claimed before a batch is selected (never while a caller borrows it), and is held when a list
   * is returned, not when null is.
   */
  List<Request> take(BooleanSupplier stop, Consumer<Request> expire, RunPermit permit) throws InterruptedException {
    List<Request> batch;
    List<Request> late = new ArrayList<>(0);
    List<Request> stale = new ArrayList<>(0);
    boolean spun = false;
    lock.lockInterruptibly();
    try {
      while (true) {
        int size = levels.size();
        if (stop.getAsBoolean() || (closed && size == 0)) {
          return null;
        }
        if (size == 0 && !spun && SPINS && !permit.lent()) {
          spun = true;
          lock.unlock();
          try {
            spinForWork(stop, permit);
          } finally {
            lock.lock();
          }
          continue;
        }
        if (size == 0) {
          changed.await();
          continue;
        }
        long waitNanos = batchWaitNanos(ticker.read());
        if (waitNanos > 0 && !closed) {
          changed.awaitNanos(waitNanos);
          continue;
        }
        if (!permit.tryClaim()) {
          changed.signal(); // lent to a caller: pass the wake-up on to a worker that can take the request
          lentWait.await();
          continue;
        }
        batch = selectLocked(late, stale);
        if (levels.size() > 0) {
          changed.signal(); // let another idle worker look at what is left
        }
        if (!batch.isEmpty() || !late.isEmpty()) {
          break;
        }
        permit.release();
      }
    } finally {
      lock.unlock();
    }
    late.forEach(expire);
    return batch;
  }

  /**
   * Spins, outside the lock, for at most {@link #SPIN_NANOS} until a request arrives: a request that comes soon after
   * the last batch (a lone caller's next call) then costs no park/unpark round trip. Bounded so that an idle worker
   * burns at most that much CPU after its last batch; the caller re-checks under the lock, so no wake-up is lost.
   * It spins by yielding, so it never keeps a thread that has work (a caller preparing its input, another worker)
   * from this core.
   */
  private void spinForWork(BooleanSupplier stop, RunPermit permit) {
    spinning.incrementAndGet();
    try {
      long end = System.nanoTime() + SPIN_NANOS;
      while (levels.size() == 0 && !closed && !stop.getAsBoolean() && !permit.lent()
          && System.nanoTime() - end < 0) {
        Thread.yield(); // not onSpinWait: a runnable thread that needs this core (a caller, a busy worker) gets it
      }
    } finally {
      spinning.decrementAndGet();
    }
  }

  /** Spinning only pays when another core can produce the request meanwhile. */
  private static final boolean SPINS = Runtime.getRuntime().availableProcessors() > 1;

  /** How long an idle worker spins before it parks: well under a millisecond (issue 14 bounds it at about one). */
  static final long SPIN_NANOS = 200_000;

  private long batchWaitNanos(long now) {
    if (config.batchingMode() != BatchingMode.FIXED_DELAY || levels.size() >= config.maxBatchSize()) {
      return 0;
    }
    return levels.oldestArrival() + delayNanos - now;
  }

  /**
   * Takes {@code r} out of the queue for its caller to run ({@link CallerRuns}): only when it is the one request
   * queued, in {@code ADAPTIVE} mode, and its deadline has not passed. True when it was taken.
   */
  boolean takeAlone(Request r, long now) {
    lock.lock();
    try {
      if (!r.queued || levels.size() != 1 || closed || now - r.deadlineNanos >= 0) {
        return false;
      }
      levels.unlink(r);
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Selects a batch now, without waiting, for a caller that borrowed a worker ({@link CallerRuns}); empty when
   * nothing is queued. Late requests go to {@code expire}, as in {@link #take}.
   */
  List<Request> takeNow(Consumer<Request> expire) {
    List<Request> batch;
    List<Request> late = new ArrayList<>(0);
    List<Request> stale = new ArrayList<>(0);
    lock.lock();
    try {
      if (levels.size() == 0) {
        return List.of();
      }
      batch = selectLocked(late, stale);
    } finally {
      lock.unlock();
    }
    late.forEach(expire);
    return batch;
  }

  /**
   * Under the lock: lets the selector choose a batch and unlinks it, with the late requests it found (added to
   * {@code late}, for the caller to expire outside the lock) and the done ones it skipped ({@code stale}, cleared).
   */
  private List<Request> selectLocked(List<Request> late, List<Request> stale) {
    List<Request> batch = selector.select(levels.heads, levels.tails, ticker.read(), late, stale);
    batch.forEach(levels::unlink);
    late.forEach(levels::unlink);
    stale.forEach(levels::unlink);
    stale.clear();
    return batch;
  }

  /**
   * A helping caller stopped helping: if anything is queued, a worker is woken for it, since an offer that saw the
   * caller helping did not wake one (the offer links before it reads {@link #helping}, the caller decrements it
   * before it reads the size, so one of the two sees the other).
   */
  void stoppedHelping() {
    if (helping.decrementAndGet() == 0 && levels.size() > 0) {
      lock.lock();
      try {
        changed.signal();
      } finally {
        lock.unlock();
      }
    }
  }

  /** A caller gave a lent worker back: the workers waiting for their permit look again. */
  void permitFreed() {
    lock.lock();
    try {
      lentWait.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Refuses new requests and wakes every waiting worker; queued requests may still be taken. */
  void close() {
    lock.lock();
    try {
      closed = true;
      changed.signalAll();
      lentWait.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Wakes every waiting worker so each re-checks its stop flag. */
  void wakeAll() {
    lock.lock();
    try {
      changed.signalAll();
      lentWait.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Unlinks and returns the queued requests whose deadline is at or before {@code now}; gives {@code pending} the
   * deadline of every other queued request that has one. One pass under the lock ({@link Deadlines}' scan).
   */
  List<Request> expired(long now, java.util.function.LongConsumer pending) {
    List<Request> late = new ArrayList<>(0);
    lock.lock();
    try {
      for (Request head : levels.heads) {
        for (Request r = head; r != null; r = r.next) {
          if (r.deadlineNanos == Long.MAX_VALUE) {
            continue;
          }
          if (now - r.deadlineNanos >= 0) {
            late.add(r);
          } else {
            pending.accept(r.deadlineNanos);
          }
        }
      }
      late.forEach(levels::unlink);
    } finally {
      lock.unlock();
    }
    return late;
  }

  /** Removes and returns everything still queued. */
  List<Request> drain() {
    lock.lock();
    try {
      List<Request> all = new ArrayList<>(levels.size());
      for (int level = levels.heads.length - 1; level >= 0; level--) {
        while (levels.heads[level] != null) {
          Request r = levels.heads[level];
          levels.unlink(r);
          all.add(r);
        }
      }
      return all;
    } finally {
      lock.unlock();
    }
  }

  /** The queued count without taking the lock: a hint, possibly stale. */
  int sizeHint() {
    return levels.size();
  }

  int size() {
    lock.lock();
    try {
      return levels.size();
    } finally {
      lock.unlock();
    }
  }

  /** Arrival time of the oldest queued request, or {@link Long#MAX_VALUE} when empty. */
  long oldestArrivalNanos() {
    lock.lock();
    try {
      return levels.oldestArrival();
    } finally {
      lock.unlock();
    }
  }
}
