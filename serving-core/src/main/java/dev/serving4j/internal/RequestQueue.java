package dev.serving4j.internal;

import dev.serving4j.BatchingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The bounded FIFO queue of one model version, and the batcher that drains it.
 *
 * <p>Callers {@link #offer} without ever blocking: a full queue is refused at once. Workers call {@link #take},
 * which decides under the lock which requests form the next batch and returns them; the worker runs them outside
 * the lock. In {@link BatchingMode#ADAPTIVE} a worker takes whatever is queued, up to the batch limit, the moment
 * it is free, so a lone request never waits and batches grow only while workers are busy. In
 * {@link BatchingMode#FIXED_DELAY} a worker waits until the batch is full or the oldest request has waited the
 * delay <em>since it arrived</em>.
 *
 * <p>The queue is an intrusive doubly-linked list through {@link Request#prev}/{@link Request#next}, so a request
 * that is cancelled or expires while queued is unlinked in O(1) and stops counting against the limit at once.
 */
final class RequestQueue {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final int capacity;
  private final int maxBatchSize;
  private final BatchingMode mode;
  private final long delayNanos;

  // Guarded by lock.
  private Request head;
  private Request tail;
  private int size;
  private boolean closed;

  RequestQueue(int capacity, int maxBatchSize, BatchingMode mode, long delayNanos) {
    this.capacity = capacity;
    this.maxBatchSize = maxBatchSize;
    this.mode = mode;
    this.delayNanos = delayNanos;
  }

  /** Outcome of {@link #offer}. */
  enum Offer {
    ACCEPTED,
    FULL,
    CLOSED
  }

  Offer offer(Request r) {
    lock.lock();
    try {
      if (closed) {
        return Offer.CLOSED;
      }
      if (size >= capacity) {
        return Offer.FULL;
      }
      link(r);
      if (mode == BatchingMode.ADAPTIVE || size >= maxBatchSize || size == 1) {
        changed.signal();
      }
      return Offer.ACCEPTED;
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
      unlink(r);
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Blocks until a batch is ready and returns it (oldest first), or returns null once {@code stop} is true or the
   * queue is closed and empty. Requests already done (cancelled, expired) are dropped; requests whose deadline has
   * passed are handed to {@code expire} instead of being started.
   */
  List<Request> take(BooleanSupplier stop, Consumer<Request> expire) throws InterruptedException {
    List<Request> batch;
    List<Request> late = null;
    lock.lockInterruptibly();
    try {
      while (true) {
        if (stop.getAsBoolean() || (closed && size == 0)) {
          return null;
        }
        if (size == 0) {
          changed.await();
          continue;
        }
        long waitNanos = batchWaitNanos(System.nanoTime());
        if (waitNanos > 0 && !closed) {
          changed.awaitNanos(waitNanos);
          continue;
        }
        batch = new ArrayList<>(Math.min(size, maxBatchSize));
        late = collect(batch, System.nanoTime());
        if (size > 0) {
          changed.signal(); // let another idle worker look at what is left
        }
        if (!batch.isEmpty()) {
          break;
        }
        if (late != null) {
          break;
        }
      }
    } finally {
      lock.unlock();
    }
    if (late != null) {
      late.forEach(expire);
    }
    return batch;
  }

  private long batchWaitNanos(long now) {
    if (mode != BatchingMode.FIXED_DELAY || size >= maxBatchSize) {
      return 0;
    }
    return head.arrivalNanos + delayNanos - now;
  }

  /** Moves up to maxBatchSize live requests into batch; returns those found past their deadline (or null). */
  private List<Request> collect(List<Request> batch, long now) {
    List<Request> late = null;
    Request r = head;
    while (r != null && batch.size() < maxBatchSize) {
      Request next = r.next;
      unlink(r);
      if (!r.isDone()) {
        if (now - r.deadlineNanos >= 0) {
          if (late == null) {
            late = new ArrayList<>();
          }
          late.add(r);
        } else {
          batch.add(r);
        }
      }
      r = next;
    }
    return late;
  }

  /** Refuses new requests and wakes every waiting worker; queued requests may still be taken. */
  void close() {
    lock.lock();
    try {
      closed = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Wakes every waiting worker so each re-checks its stop flag. */
  void wakeAll() {
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Removes and returns everything still queued. */
  List<Request> drain() {
    lock.lock();
    try {
      List<Request> all = new ArrayList<>(size);
      while (head != null) {
        Request r = head;
        unlink(r);
        all.add(r);
      }
      return all;
    } finally {
      lock.unlock();
    }
  }

  int size() {
    lock.lock();
    try {
      return size;
    } finally {
      lock.unlock();
    }
  }

  int capacity() {
    return capacity;
  }

  private void link(Request r) {
    r.prev = tail;
    r.next = null;
    if (tail == null) {
      head = r;
    } else {
      tail.next = r;
    }
    tail = r;
    r.queued = true;
    size++;
  }

  private void unlink(Request r) {
    if (r.prev == null) {
      head = r.next;
    } else {
      r.prev.next = r.next;
    }
    if (r.next == null) {
      tail = r.prev;
    } else {
      r.next.prev = r.prev;
    }
    r.prev = null;
    r.next = null;
    r.queued = false;
    size--;
  }
}
