package dev.serving4j.internal;

import dev.serving4j.Batch;
import java.util.AbstractList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The {@link Batch} view a handler sees of the requests a worker took; records per-item failures, and who answers
 * the batch: the worker when its stages end, or the inference-timeout watchdog when they overrun (see
 * {@link #settle}).
 */
final class RunningBatch implements Batch<Object> {
  private final List<Request> requests;
  private final Throwable[] failures;
  private final List<Object> inputs;
  private final AtomicBoolean settled = new AtomicBoolean();
  /** Ticker time its stages started; set by the worker before it publishes the batch as its current one. */
  private volatile long startNanos;
  private int failedCount; // written and read by the worker's thread only
  /** Counted as running by the pool ({@link WorkerPool#batchStarting}); the running thread's only. */
  boolean holdsCores;

  RunningBatch(List<Request> requests) {
    this.requests = requests;
    this.failures = new Throwable[requests.size()];
    this.inputs = new AbstractList<>() {
      @Override
      public Object get(int index) {
        return requests.get(index).input;
      }

      @Override
      public int size() {
        return requests.size();
      }
    };
  }

  @Override
  public int size() {
    return requests.size();
  }

  @Override
  public Object input(int index) {
    return requests.get(index).input;
  }

  @Override
  public Object prepared(int index) {
    return requests.get(index).prepared;
  }

  @Override
  public List<Object> inputs() {
    return inputs;
  }

  @Override
  public void fail(int index, Throwable cause) {
    if (cause == null) {
      throw new NullPointerException("cause");
    }
    if (failures[index] == null) {
      failures[index] = cause;
      failedCount++;
    }
  }

  @Override
  public boolean isFailed(int index) {
    return failures[index] != null;
  }

  void started(long nanos) {
    startNanos = nanos;
  }

  long startNanos() {
    return startNanos;
  }

  /** Number of items failed with {@link #fail}. */
  int failedCount() {
    return failedCount;
  }

  /**
   * Claims the right to answer this batch's requests. True for the first caller only: the worker once the stages
   * returned or threw, or the watchdog that gave up on them. The loser leaves the requests alone, so a stuck
   * thread that wakes up late cannot answer (or fail) requests the watchdog already handed to another worker.
   */
  boolean settle() {
    return settled.compareAndSet(false, true);
  }

  Throwable failure(int index) {
    return failures[index];
  }

  Request request(int index) {
    return requests.get(index);
  }

  List<Request> requests() {
    return requests;
  }
}
