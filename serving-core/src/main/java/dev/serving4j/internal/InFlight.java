package dev.serving4j.internal;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Counts a version's accepted requests twice, because "answered" and "done" are two moments: {@link #answered}
 * when the outcome is accounted for (just before the caller can see it: the gauge, idleness for multiplexing) and
 * {@link #released} after the future completed (what draining waits for, so {@code close()} never returns while a
 * caller's future is still pending).
 */
final class InFlight {
  private final AtomicInteger unanswered = new AtomicInteger();
  private final AtomicInteger pending = new AtomicInteger();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition drained = lock.newCondition();
  private volatile boolean draining;

  /** A request was accepted (called before it is offered to the queue). */
  void accepted() {
    unanswered.incrementAndGet();
    pending.incrementAndGet();
  }

  /** Its outcome was accounted for; true when no accepted request is left unanswered. */
  boolean answered() {
    return unanswered.decrementAndGet() == 0;
  }

  /** Its future completed; wakes a drain waiting for the last one. */
  void released() {
    if (pending.decrementAndGet() == 0 && draining) {
      lock.lock();
      try {
        drained.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  /** Requests accepted and not yet answered. */
  int count() {
    return unanswered.get();
  }

  /**
   * Waits until every accepted request's future completed, or until {@code deadline} ({@link System#nanoTime()}:
   * a real wait, whatever the server's ticker); true when all did.
   */
  boolean awaitDrained(long deadline) {
    draining = true;
    lock.lock();
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
      lock.unlock();
    }
  }
}
