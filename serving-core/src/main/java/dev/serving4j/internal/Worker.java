package dev.serving4j.internal;

import dev.serving4j.Device;
import dev.serving4j.Handler;
import dev.serving4j.ModelDescription;
import dev.serving4j.WorkerState;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker of a model version: a thread that owns a handler instance bound to a device, takes batches from the
 * version's queue and runs them.
 *
 * <p>Life: STARTING (create + initialize the handler) → IDLE ⇄ BUSY → STOPPING → STOPPED. A failed initialize, or
 * an {@link Error} thrown by a stage (a crash), closes the handler and restarts it after an exponential backoff
 * (BACKOFF), on the same thread. An ordinary exception from a stage fails only that batch.
 *
 * <p>Its handler is used by one thread at a time, not always this one: a caller may borrow an idle worker to run
 * its lone request ({@link CallerRuns}); the {@link RunPermit} decides who holds the handler.
 */
final class Worker implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(Worker.class);

  final int id;
  final Device device;
  private final ModelVersion version;
  private final Object backoffLock = new Object();
  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong restarts = new AtomicLong();
  private volatile WorkerState state = WorkerState.STARTING;
  private volatile boolean stopRequested;
  private volatile Thread thread;
  private volatile RunningBatch current;
  private volatile long idleSinceNanos;
  private Handler<Object, Object> handler; // published to a borrower by the permit's CAS
  private volatile WorkerContext context; // read by the watchdog's abortRun
  private final RunPermit permit = new RunPermit();

  Worker(int id, Device device, ModelVersion version) {
    this.id = id;
    this.device = device;
    this.version = version;
    this.idleSinceNanos = version.now();
  }

  void start(String threadName) {
    Thread t = new Thread(this, threadName);
    t.setDaemon(true);
    thread = t;
    t.start();
  }

  /** Asks the worker to stop after its current batch; wakes it if it is waiting. */
  void requestStop() {
    stopRequested = true;
    synchronized (backoffLock) {
      backoffLock.notifyAll();
    }
    version.queue.wakeAll();
  }

  /** Asks the engine to abort this worker's run in progress (its batch overran the inference timeout). */
  void abortRun() {
    WorkerContext c = context;
    if (c != null) {
      c.abortRuns();
    }
  }

  /**
   * Interrupts the thread running this worker's batch (used when it overran the inference timeout): the worker's
   * own, or the caller's it is lent to while that caller is inside the batch.
   */
  void interrupt() {
    permit.interrupt(thread);
  }

  boolean stopRequested() {
    return stopRequested;
  }

  /** Stops waiting for work: asked to stop, or a borrowed run crashed the handler. */
  private boolean leaveQueue() {
    return stopRequested || permit.crash() != null;
  }

  /** Lends this worker to a caller when it is waiting for work; the caller must {@link #giveBack} it. */
  boolean tryLend() {
    if (state != WorkerState.IDLE || stopRequested || !permit.tryLend()) {
      return false;
    }
    state = WorkerState.BUSY;
    return true;
  }

  /**
   * Runs {@code batch} on the calling thread with this worker's handler; the worker must be lent to the caller, and
   * the caller not interrupted. A crash is not the caller's: the batch's requests were settled by the runner, and
   * this worker's thread restarts the handler.
   */
  void runLent(RunningBatch batch) {
    permit.entered();
    try {
      runBatch(batch);
    } catch (WorkerCrash crash) {
      state = WorkerState.STARTING; // before the permit goes back: from then on the worker's thread writes it
      permit.crashed(crash.getCause()); // logged and counted by this worker's thread as it restarts
    } finally {
      permit.left();
    }
  }

  /** Ends a loan: the worker is idle again, or, after a crash, its thread restarts the handler. */
  void giveBack() {
    if (permit.crash() != null) {
      version.queue.wakeAll();
      return;
    }
    idleSinceNanos = version.now();
    state = WorkerState.IDLE;
    permit.release();
    version.queue.permitFreed();
  }

  WorkerState state() {
    WorkerState s = state;
    return stopRequested && s != WorkerState.STOPPED ? WorkerState.STOPPING : s;
  }

  RunningBatch currentBatch() {
    return current;
  }

  void current(RunningBatch batch) {
    current = batch;
  }

  /** When this worker last became idle; meaningful while {@link #state()} is IDLE. */
  long idleSinceNanos() {
    return idleSinceNanos;
  }

  ModelDescription.Worker describe() {
    return new ModelDescription.Worker(id, device, state(), batches.get(), restarts.get());
  }

  void join(long millis) throws InterruptedException {
    Thread t = thread;
    if (t != null) {
      t.join(millis);
    }
  }

  @Override
  public void run() {
    long backoffNanos = version.resources.restartBackoffInitial.toNanos();
    try {
      while (!stopRequested) {
        state = WorkerState.STARTING;
        if (!initialize()) {
          backoffNanos = backoff(backoffNanos);
          continue;
        }
        backoffNanos = version.resources.restartBackoffInitial.toNanos();
        version.pool.onWorkerReady(this);
        try {
          serve();
          break;
        } catch (WorkerCrash crash) {
          permit.reclaim();
          log.error("Worker {} of model {}:{} crashed; restarting it", id, version.name, version.version,
              crash.getCause());
          version.pool.onWorkerCrashed(this, crash.getCause());
          closeHandler();
          backoffNanos = backoff(backoffNanos);
        }
      }
    } finally {
      permit.reclaim();
      closeHandler();
      state = WorkerState.STOPPED;
      version.pool.onWorkerStopped(this);
    }
  }

  private boolean initialize() {
    try {
      context = new WorkerContext(version, id, device);
      handler = version.newHandler();
      handler.initialize(context);
      warmUp();
      return true;
    } catch (Throwable t) {
      closeHandler();
      version.pool.onInitializeFailed(this, t);
      return false;
    }
  }

  /** Runs the handler's warmup inputs as one batch, outside the queue, before the worker takes real requests. */
  private void warmUp() throws Exception {
    List<Object> inputs = handler.warmupInputs(context);
    if (inputs == null || inputs.isEmpty()) {
      return;
    }
    List<Request> requests = new java.util.ArrayList<>(inputs.size());
    for (int i = 0; i < inputs.size(); i++) {
      Object input = inputs.get(i);
      if (input == null || !version.inputType().isInstance(input)) {
        throw new dev.serving4j.HandlerException(version.label() + ": warm-up input " + i + " from warmupInputs() is "
            + (input == null ? "null" : "a " + input.getClass().getName()) + ", not a " + version.inputType().getName());
      }
      // Warm-up items are not requests anyone sees: no id, no trace.
      requests.add(new Request(0, RequestTrace.NONE, input, handler.prepare(input),
          new java.util.concurrent.CompletableFuture<>(), System.nanoTime(), Long.MAX_VALUE, 0, 1, null));
    }
    RunningBatch batch = new RunningBatch(requests);
    long start = System.nanoTime();
    handler.postprocess(handler.inference(handler.preprocess(batch), batch), batch);
    version.pool.onWarmedUp(this, inputs.size(), System.nanoTime() - start);
  }

  private long backoff(long nanos) {
    restarts.incrementAndGet();
    state = WorkerState.BACKOFF;
    long deadline = System.nanoTime() + nanos;
    synchronized (backoffLock) {
      long left;
      while (!stopRequested && (left = deadline - System.nanoTime()) > 0) {
        try {
          backoffLock.wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.interrupted(); // only a stop or an overrun interrupts us; the loop re-checks
        }
      }
    }
    return Math.min(nanos * 2, version.resources.restartBackoffMax.toNanos());
  }

  private void serve() {
    while (!stopRequested) {
      idleSinceNanos = version.now();
      state = WorkerState.IDLE;
      permit.release(); // lendable while it waits
      List<Request> requests;
      try {
        requests = version.queue.take(this::leaveQueue, version.outcomes::expire, permit);
      } catch (InterruptedException e) {
        permit.reclaim();
        continue; // the loop re-checks stopRequested
      }
      if (requests == null) {
        permit.reclaim();
        Throwable crash = permit.takeCrash();
        if (crash != null) {
          throw new WorkerCrash(crash);
        }
        return;
      }
      if (requests.isEmpty()) {
        continue;
      }
      state = stopRequested ? WorkerState.STOPPING : WorkerState.BUSY;
      try {
        runBatch(new RunningBatch(requests));
      } finally {
        Thread.interrupted(); // an overrun may have interrupted us; do not leak it into the next batch
      }
    }
  }

  /** Runs one batch on the calling thread, the worker's or a borrower's, counted as running while it runs. */
  private void runBatch(RunningBatch batch) {
    context.coresForNextBatch(version.pool.batchStarting(batch, version.queue.sizeHint()));
    try {
      version.runner.run(this, handler, batch);
    } finally {
      version.pool.batchDone(batch);
      batches.incrementAndGet();
    }
  }

  private void closeHandler() {
    Handler<Object, Object> h = handler;
    handler = null;
    if (h != null) {
      try {
        h.close();
      } catch (Throwable t) {
        log.warn("Handler of model {}:{} worker {} failed to close", version.name, version.version, id, t);
      }
    }
    WorkerContext c = context;
    context = null;
    if (c != null) {
      c.closeModels();
    }
  }

  /** Thrown out of a batch when a stage threw an {@link Error}: the handler is no longer trusted. */
  static final class WorkerCrash extends RuntimeException {
    private static final long serialVersionUID = 1L;

    WorkerCrash(Throwable cause) {
      super(cause);
    }
  }
}
