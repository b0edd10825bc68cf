package dev.serving4j.internal;

import dev.serving4j.Device;
import dev.serving4j.ModelDescription;
import dev.serving4j.WorkerState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The workers of one model version. Holds the target size, starts and retires workers, and replaces one that
 * overran its inference timeout. Devices are assigned to the least-used device of the config's list, so GPU ids
 * go round-robin and a replacement takes the slot its predecessor left.
 */
final class WorkerPool {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(WorkerPool.class);
  /** Failed initializations after which registration gives up (workers keep retrying after a success). */
  static final int STARTUP_ATTEMPTS = 3;

  private final ModelVersion version;
  private final java.util.concurrent.CompletableFuture<Void> firstReady = new java.util.concurrent.CompletableFuture<>();
  private final java.util.concurrent.atomic.AtomicInteger startupFailures =
      new java.util.concurrent.atomic.AtomicInteger();
  private final List<Device> devices;
  // Guarded by this.
  private final List<Worker> workers = new ArrayList<>();
  private int nextId;
  private int target;
  private boolean closed;
  private long lastChangeNanos;
  /** Batches running now, on any worker of this pool. */
  private final java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();
  /** Workers not stopped (written under this, read as a hint). */
  private volatile int liveCount;
  /** The workers, for callers looking for one to borrow without taking this pool's lock (written under this). */
  private volatile Worker[] lendable = new Worker[0];
  private final int cores = Runtime.getRuntime().availableProcessors();

  WorkerPool(ModelVersion version, List<Device> devices) {
    this.version = version;
    this.devices = devices;
    this.lastChangeNanos = version.now();
  }

  /**
   * Brings the pool within {@code [min, max]}: starts workers up to {@code min}, retires (idle first) down to
   * {@code max}. Between the bounds the autoscaler decides.
   */
  void resize(int min, int max) {
    List<Worker> toStop = new ArrayList<>();
    synchronized (this) {
      if (closed) {
        return;
      }
      List<Worker> live = live();
      target = Math.max(min, Math.min(max, live.size()));
      lastChangeNanos = version.now();
      for (int i = live.size(); i < target; i++) {
        startWorker();
      }
      if (live.size() > target) {
        live.sort(Comparator.comparing((Worker w) -> w.state() == WorkerState.BUSY).thenComparing(w -> -w.id));
        toStop.addAll(live.subList(0, live.size() - target));
      }
    }
    toStop.forEach(Worker::requestStop);
  }

  /**
   * One autoscaling step: asks {@code policy} and adds a worker or retires the longest-idle one. Called
   * periodically from the server's timer while {@code minWorkers < maxWorkers}.
   */
  void autoscale(AutoscalePolicy policy, long now, long oldestQueuedArrival) {
    Worker retire = null;
    synchronized (this) {
      if (closed) {
        return;
      }
      List<Worker> live = live();
      Worker longestIdle = null;
      for (Worker w : live) {
        if (w.state() == WorkerState.IDLE && (longestIdle == null || w.idleSinceNanos() < longestIdle.idleSinceNanos())) {
          longestIdle = w;
        }
      }
      long idleFor = longestIdle == null ? -1 : now - longestIdle.idleSinceNanos();
      int step = policy.decide(now, live.size(), oldestQueuedArrival, idleFor, lastChangeNanos);
      if (step > 0) {
        startWorker();
        target = live.size() + 1;
        lastChangeNanos = now;
      } else if (step < 0) {
        retire = longestIdle;
        target = live.size() - 1;
        lastChangeNanos = now;
      }
    }
    if (retire != null) {
      retire.requestStop();
    }
  }

  /** Retires {@code worker} (it overran a batch) and starts a replacement. */
  void replace(Worker worker) {
    synchronized (this) {
      if (closed || worker.stopRequested()) {
        return;
      }
      worker.requestStop();
      if (live().size() < target) {
        startWorker();
      }
    }
  }

  /** Stops every worker and waits up to {@code millis} for their threads. */
  void close(long millis) throws InterruptedException {
    List<Worker> all;
    synchronized (this) {
      closed = true;
      all = new ArrayList<>(workers);
    }
    all.forEach(Worker::requestStop);
    long deadline = System.nanoTime() + millis * 1_000_000;
    for (Worker w : all) {
      w.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
    }
  }

  /**
   * Completes when the first worker is ready (at once when {@code none} start), or fails after
   * {@value #STARTUP_ATTEMPTS} failed initializations with the last cause.
   */
  java.util.concurrent.CompletableFuture<Void> firstReady(boolean none) {
    if (none) {
      firstReady.complete(null);
    }
    return firstReady;
  }

  // Callbacks from the workers' threads.

  void onWorkerReady(Worker w) {
    version.events.workerStarted(w.id, w.device); // before register() can return: listeners see the start first
    firstReady.complete(null);
    log.debug("{} worker {} ready on {}", version.label(), w.id, w.device);
  }

  void onWarmedUp(Worker w, int inputs, long nanos) {
    log.debug("{} worker {} warmed up with {} inputs in {} ms", version.label(), w.id, inputs, nanos / 1_000_000);
  }

  /** With no worker ready, queued requests fail now rather than wait for a handler that may never start. */
  void onInitializeFailed(Worker w, Throwable cause) {
    log.warn("{} worker {} failed to initialize on {}; retrying with backoff", version.label(), w.id, w.device,
        cause);
    version.events.workerRestarting(w.id, w.device, cause);
    if (startupFailures.incrementAndGet() >= STARTUP_ATTEMPTS) {
      firstReady.completeExceptionally(cause); // no effect once a worker has been ready
    }
    boolean anyReady = snapshot().stream()
        .anyMatch(x -> x.state() == WorkerState.IDLE || x.state() == WorkerState.BUSY);
    if (!anyReady) {
      dev.serving4j.WorkerFailedException error = new dev.serving4j.WorkerFailedException(version.label()
          + " has no ready worker: initialize failed on " + w.device + ": " + cause, cause);
      for (Request r : version.queue.drain()) {
        r.future.completeExceptionally(error);
      }
    }
  }

  void onWorkerCrashed(Worker w, Throwable cause) {
    version.events.workerRestarting(w.id, w.device, cause);
  }

  void onWorkerStopped(Worker w) {
    remove(w);
    version.events.workerStopped(w.id, w.device);
  }

  synchronized void remove(Worker w) {
    workers.remove(w);
    liveCount = workers.size();
    lendable = workers.toArray(new Worker[0]);
  }

  /** Lends an idle worker to the calling thread ({@link CallerRuns}), or returns null when none is idle. */
  Worker lendIdle() {
    for (Worker w : lendable) {
      if (w.tryLend()) {
        return w;
      }
    }
    return null;
  }

  /**
   * Counts {@code batch} as running and returns the cores it may use: every core when it runs alone (no other batch
   * running, nothing queued that an idle worker would take at once), else what the others leave, at least one.
   * Pair with {@link #batchDone}.
   */
  int batchStarting(RunningBatch batch, int queued) {
    batch.holdsCores = true;
    return coresFor(cores, running.getAndIncrement(), liveCount, queued);
  }

  /**
   * The cores a batch may use on a machine of {@code cores}, with {@code others} batches already running,
   * {@code live} workers and {@code queued} requests that the idle workers will take at once.
   */
  static int coresFor(int cores, int others, int live, int queued) {
    int idleOthers = Math.max(0, live - others - 1);
    return Math.max(1, cores - others - Math.min(queued, idleOthers));
  }

  /**
   * Stops counting {@code batch} as running; idempotent. Called as soon as its outputs are in, before its callers
   * are answered (a closed-loop caller's next request, taken at once by another worker, must not see this batch
   * as running and get one core instead of all), and again when the worker is done with it.
   */
  void batchDone(RunningBatch batch) {
    if (batch.holdsCores) {
      batch.holdsCores = false;
      running.decrementAndGet();
    }
  }

  synchronized List<Worker> snapshot() {
    return new ArrayList<>(workers);
  }

  List<ModelDescription.Worker> describe() {
    return snapshot().stream().map(Worker::describe).toList();
  }

  private List<Worker> live() {
    List<Worker> live = new ArrayList<>();
    for (Worker w : workers) {
      if (!w.stopRequested()) {
        live.add(w);
      }
    }
    return live;
  }

  private void startWorker() {
    Worker w = new Worker(nextId++, leastUsedDevice(), version);
    workers.add(w);
    liveCount = workers.size();
    lendable = workers.toArray(new Worker[0]);
    w.start(version.resources.name + "-" + version.name + "-" + version.version + "-worker-" + w.id);
  }

  private Device leastUsedDevice() {
    Device best = devices.get(0);
    long bestCount = Long.MAX_VALUE;
    for (Device d : devices) {
      long count = live().stream().filter(w -> w.device.equals(d)).count();
      if (count < bestCount) {
        best = d;
        bestCount = count;
      }
    }
    return best;
  }
}
