package dev.serving4j.internal;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A worker's exclusive use of its handler. The handler is used by one thread at a time, but not always the worker's:
 * a caller about to wait for its lone queued request may borrow an idle worker and run that batch of one itself
 * ({@link CallerRuns}). Whoever runs a batch holds the permit first: FREE while the worker's thread waits in the
 * queue, OWN while that thread runs a batch, starts, restarts or closes the handler, LENT while a caller runs one.
 *
 * <p>The worker's thread claims it under the queue's lock before it selects a batch ({@link RequestQueue.Permit}),
 * so a borrower never races it for the handler, and takes it back ({@link #reclaim}) before closing the handler, so
 * a handler is never closed under a borrower. A borrowed run that crashes hands the permit back as OWN with the
 * cause ({@link #crashed}), and the worker's thread restarts the handler. While lent, the watchdog's interrupt goes
 * to the borrowing thread, and only while it is still inside the batch ({@link #interrupt}).
 */
final class RunPermit {
  private static final int FREE = 0;
  private static final int OWN = 1;
  private static final int LENT = 2;

  private final AtomicInteger state = new AtomicInteger(OWN); // the worker's thread starts the handler first
  private volatile Throwable crash;
  // Guarded by this: the caller inside a borrowed batch, and whether the watchdog interrupted it.
  private Thread borrower;
  private boolean borrowerInterrupted;

  /** The worker's thread claims the permit if it is free (under the queue's lock, before it selects a batch). */
  boolean tryClaim() {
    return state.compareAndSet(FREE, OWN);
  }

  /** Frees the permit: the worker's thread is waiting for work, or a borrower is done. */
  void release() {
    state.set(FREE);
  }

  /** Whether a caller holds the permit now. */
  boolean lent() {
    return state.get() == LENT;
  }

  /** Lends the handler to the calling thread if the worker's thread is waiting for work. */
  boolean tryLend() {
    return state.compareAndSet(FREE, LENT);
  }

  /** The borrower is about to run a batch: the watchdog's interrupt is for it now. */
  synchronized void entered() {
    borrower = Thread.currentThread();
  }

  /** The borrower left the batch: an interrupt the watchdog sent it is cleared, as it was for the batch. */
  synchronized void left() {
    borrower = null;
    if (borrowerInterrupted) {
      borrowerInterrupted = false;
      Thread.interrupted();
    }
  }

  /** Interrupts the thread running the batch: the borrower inside it, else the worker's {@code own} thread. */
  synchronized void interrupt(Thread own) {
    Thread t = borrower != null ? borrower : own;
    if (t != null) {
      t.interrupt();
      borrowerInterrupted = borrower != null;
    }
  }

  /** A borrowed run crashed the handler: the permit goes back to the worker's thread, which restarts it. */
  void crashed(Throwable cause) {
    crash = cause;
    state.set(OWN);
  }

  /** A borrowed run's crash, or null. */
  Throwable crash() {
    return crash;
  }

  /** Takes and clears a borrowed run's crash; the permit is the worker's thread's. */
  Throwable takeCrash() {
    Throwable c = crash;
    crash = null;
    return c;
  }

  /** Takes the permit for the worker's thread (or keeps it), waiting out a borrower. */
  void reclaim() {
    for (int spins = 0; state.get() != OWN && !state.compareAndSet(FREE, OWN); spins++) {
      if (spins < 100) {
        Thread.yield(); // a borrower holds it for one batch of one, usually milliseconds at most
      } else {
        LockSupport.parkNanos(200_000); // or a hung one, until the watchdog aborts it
      }
    }
  }
}
