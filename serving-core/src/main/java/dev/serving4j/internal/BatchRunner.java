package dev.serving4j.internal;

import dev.serving4j.Handler;
import dev.serving4j.HandlerException;
import dev.serving4j.InferenceTimeoutException;
import dev.serving4j.ServingException;
import dev.serving4j.WorkerFailedException;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one batch through a handler's three stages, times them, and completes every request exactly once: with its
 * output, with its own item failure, or with the batch's failure.
 *
 * <p><b>Results.</b> {@code postprocess} returns either one entry per item (failed items' entries ignored) or one
 * entry per item <em>not</em> failed, in order; when every item failed the result is not read. Any other list, or
 * null, is a malformed result and fails the batch like a thrown exception. A null entry for an item that was not
 * failed fails that item alone.
 *
 * <p><b>Failure isolation.</b> When a stage throws for the whole batch, or postprocess returns a malformed result,
 * the batch is split in halves and each half is run again, recursively, until the failing request(s) are alone;
 * healthy batch-mates succeed. A batch of n with one poison request costs at most 2·log2(n) extra runs; with every
 * request poisonous at most 2(n-1). A request is failed with a batch's failure only when it ran alone. Switched off
 * by {@code failureIsolation=false}; never applied after a crash.
 * If the worker is asked to stop mid-isolation, the halves not yet run go back to the queue for another worker.
 *
 * <p><b>Crashes.</b> An {@link Error} from a stage means the handler is no longer trusted: the worker restarts.
 * If the model is idempotent, the batch's requests go back to the front of the queue once, for another worker;
 * a request that was already in a crash fails with {@link WorkerFailedException}.
 *
 * <p><b>Timeouts.</b> The version's {@link Deadlines} scan is the watchdog: when the stages overrun the inference
 * timeout it retires the worker, starts a replacement, asks the engine to abort the run in progress
 * ({@link dev.serving4j.spi.EngineModel#abort}) and interrupts the stuck thread. Which request hangs is unknown, so for
 * an idempotent model each unanswered request of a batch of two or more goes back to the front of the queue once
 * and runs alone (like a crash retry): only the one that hangs times out again, and then fails with
 * {@link InferenceTimeoutException}. Otherwise the batch's requests fail with it at once. The watchdog and the
 * worker race to {@link RunningBatch#settle} the batch; the stuck thread's late result is discarded, and since the
 * worker is retired before that race, the loser never takes another batch.
 */
final class BatchRunner {
  private final ModelVersion version;

  BatchRunner(ModelVersion version) {
    this.version = version;
  }

  void run(Worker worker, Handler<Object, Object> handler, RunningBatch batch) {
    HandlerException failure = attempt(worker, handler, batch);
    if (failure != null) {
      isolate(worker, handler, batch, failure);
    }
  }

  /**
   * Runs the stages once and answers the batch if they succeeded with a well-formed result. Returns the failure
   * to isolate, or null when nothing is left to do (answered, or taken over by the watchdog).
   */
  private HandlerException attempt(Worker worker, Handler<Object, Object> handler, RunningBatch batch) {
    long batchId = version.batchIds.incrementAndGet();
    long start = version.now();
    long oldest = start;
    long earliestDeadline = Long.MAX_VALUE;
    for (Request r : batch.requests()) {
      r.startNanos = start;
      r.batchId = batchId;
      r.trace.batchStarted(batchId, batch.size());
      oldest = r.arrivalNanos - oldest < 0 ? r.arrivalNanos : oldest; // across levels: the first is not the oldest
      earliestDeadline = Math.min(earliestDeadline, r.deadlineNanos);
    }
    version.events.batchStarted(worker.id, batchId, batch.size(), start - oldest);
    batch.started(start);
    worker.current(batch); // published before arming: see Deadlines
    version.deadlines.batchStarted(start, earliestDeadline);
    String stage = "preprocess";
    long t1 = start;
    long t2 = start;
    long t3;
    Object[] outputs;
    try {
      Object pre = handler.preprocess(batch);
      t1 = version.now();
      stage = "inference";
      Object inferred = handler.inference(pre, batch);
      t2 = version.now();
      stage = "postprocess";
      List<Object> result = handler.postprocess(inferred, batch);
      outputs = result == null ? null : result.toArray(); // read once, here: the handler's list is user code
      t3 = version.now();
    } catch (Exception e) {
      recordFailed(worker, batchId, batch, stage, start, t1, t2);
      traceFinished(batch, e);
      return batch.settle() ? stageFailure(stage, e, batch.size()) : null;
    } catch (Throwable t) {
      recordFailed(worker, batchId, batch, stage, start, t1, t2);
      traceFinished(batch, t);
      if (batch.settle()) {
        crashed(worker, batch, stage, t);
      }
      throw new Worker.WorkerCrash(t);
    } finally {
      worker.current(null);
    }
    if (!batch.settle()) {
      return null;
    }
    HandlerException malformed = malformed(batch, outputs);
    if (malformed != null) {
      version.onBatchFinished(worker, batchId, batch.size(), t1 - start, t2 - t1, t3 - t2, true);
      traceFinished(batch, malformed);
      return malformed;
    }
    // Counted before the callers are answered, so whoever sees a result also sees its batch in describe().
    version.onBatchSucceeded(worker, batchId, batch.size(), CostModel.paddedCost(batch.requests()), t1 - start,
        t2 - t1, t3 - t2);
    traceFinished(batch, null);
    version.pool.batchDone(batch); // its cores are free before its callers can send the next request
    complete(batch, outputs);
    return null;
  }

  /** Ends each request's model-run stage: with its own item failure, the batch's {@code error}, or none. */
  private static void traceFinished(RunningBatch batch, Throwable error) {
    for (int i = 0; i < batch.size(); i++) {
      batch.request(i).trace.batchFinished(batch.isFailed(i) ? batch.failure(i) : error);
    }
  }

  private void recordFailed(Worker worker, long batchId, RunningBatch batch, String stage, long start, long t1,
      long t2) {
    long now = version.now();
    long pre = stage.equals("preprocess") ? now - start : t1 - start;
    long inf = stage.equals("inference") ? now - t1 : stage.equals("postprocess") ? t2 - t1 : 0;
    long post = stage.equals("postprocess") ? now - t2 : 0;
    version.onBatchFinished(worker, batchId, batch.size(), pre, inf, post, true);
  }

  private void isolate(Worker worker, Handler<Object, Object> handler, RunningBatch batch,
      HandlerException failure) {
    List<Request> live = answerFailedItems(batch);
    // Only a request that failed alone is known to be the cause: a lone survivor of a larger batch (its mates
    // failed by the handler, cancelled or expired meanwhile) runs once more, alone.
    if (!version.config.failureIsolation() || batch.size() == 1 || live.isEmpty()) {
      live.forEach(r -> r.future.completeExceptionally(failure));
      return;
    }
    List<List<Request>> halves = halves(live);
    for (int h = 0; h < halves.size(); h++) {
      if (worker.stopRequested()) {
        giveBack(halves.get(h), failure); // retired, scaled down or closing: another worker bisects them
        continue;
      }
      RunningBatch part = new RunningBatch(halves.get(h));
      try {
        HandlerException f = attempt(worker, handler, part);
        if (f != null) {
          isolate(worker, handler, part, f);
        }
      } catch (Worker.WorkerCrash crash) {
        // The worker died mid-isolation: the halves not yet run never reached the handler; give them back.
        WorkerFailedException died = new WorkerFailedException(version.label() + ": the worker died and the "
            + "version is closing", crash.getCause());
        halves.subList(h + 1, halves.size()).forEach(rest -> giveBack(rest, died));
        throw crash;
      }
    }
  }

  /** Fails the items the handler failed, with their own causes; returns the requests still unanswered. */
  private List<Request> answerFailedItems(RunningBatch batch) {
    List<Request> live = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      Request r = batch.request(i);
      if (batch.isFailed(i)) {
        r.future.completeExceptionally(itemFailure(i, batch.failure(i)));
      } else if (!r.isDone()) {
        live.add(r);
      }
    }
    return live;
  }

  private static List<List<Request>> halves(List<Request> live) {
    if (live.size() == 1) {
      return List.of(live);
    }
    int mid = live.size() / 2;
    return List.of(new ArrayList<>(live.subList(0, mid)), new ArrayList<>(live.subList(mid, live.size())));
  }

  /** Requeues requests that have not run (no death counted); fails them with {@code orElse} if the queue is closed. */
  private void giveBack(List<Request> requests, ServingException orElse) {
    List<Request> live = new ArrayList<>();
    for (Request r : requests) {
      if (!r.isDone()) {
        r.startNanos = 0;
        live.add(r);
      }
    }
    if (!live.isEmpty() && !version.queue.requeue(live)) {
      live.forEach(r -> r.future.completeExceptionally(orElse));
    }
  }

  private HandlerException stageFailure(String stage, Exception error, int size) {
    return new HandlerException(version.label() + ": " + stage + " failed for a batch of " + size + ": " + error,
        error);
  }

  private void crashed(Worker worker, RunningBatch batch, String stage, Throwable t) {
    WorkerFailedException error = new WorkerFailedException(version.label() + ": worker " + worker.id
        + " died in " + stage + " (" + t + ") while running a batch of " + batch.size(), t);
    List<Request> retry = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      Request r = batch.request(i);
      if (r.isDone()) {
        continue;
      }
      if (batch.isFailed(i)) {
        r.future.completeExceptionally(itemFailure(i, batch.failure(i)));
      } else if (version.config.idempotent() && r.deaths++ == 0) {
        r.startNanos = 0;
        retry.add(r);
      } else {
        r.future.completeExceptionally(error);
      }
    }
    if (!retry.isEmpty() && !version.queue.requeue(retry)) {
      retry.forEach(r -> r.future.completeExceptionally(error));
    }
  }

  /** Null when {@code outputs} has one of the two accepted shapes (see the class comment), else the failure. */
  private HandlerException malformed(RunningBatch batch, Object[] outputs) {
    int size = batch.size();
    int kept = size - batch.failedCount();
    if (kept == 0 || (outputs != null && (outputs.length == size || outputs.length == kept))) {
      return null;
    }
    String got = outputs == null ? "null" : outputs.length + " outputs";
    String expected = kept == size ? size + " (one per item, in order)"
        : size + " (one per item, failed items' entries ignored) or " + kept + " (one per item not failed, in order)";
    return new HandlerException(version.label() + ": postprocess returned " + got + " for a batch of " + size
        + (kept == size ? "" : " with " + (size - kept) + " failed items") + "; expected " + expected);
  }

  private void complete(RunningBatch batch, Object[] outputs) {
    boolean oneEach = outputs != null && outputs.length == batch.size();
    int next = 0; // with one entry per item not failed: the entry of the next such item
    for (int i = 0; i < batch.size(); i++) {
      Request r = batch.request(i);
      if (batch.isFailed(i)) {
        r.future.completeExceptionally(itemFailure(i, batch.failure(i)));
        continue;
      }
      Object value = outputs[oneEach ? i : next];
      next++;
      if (value == null) {
        r.future.completeExceptionally(new HandlerException(version.label() + ": postprocess returned null for item "
            + i + " of a batch of " + batch.size() + "; return an output for it or fail it with batch.fail"));
      } else {
        r.future.complete(value);
      }
    }
  }

  private Throwable itemFailure(int index, Throwable cause) {
    if (cause instanceof ServingException) {
      return cause;
    }
    return new HandlerException(version.label() + ": item " + index + " of its batch failed: " + cause, cause);
  }

  /**
   * The watchdog: the batch overran the inference timeout (see the class comment). Runs on the server's timer, from
   * the version's {@link Deadlines} scan.
   */
  void overrun(Worker worker, RunningBatch batch) {
    if (worker.currentBatch() != batch) {
      return;
    }
    // Retire first: a stuck thread that then loses the race to settle must find itself stopped, not take another
    // batch. A worker that wins it finished right at the timeout; it answers this batch and stops.
    version.pool.replace(worker);
    if (!batch.settle()) {
      return;
    }
    InferenceTimeoutException error = new InferenceTimeoutException(version.label() + ": batch of " + batch.size()
        + " exceeded inferenceTimeout " + version.config.inferenceTimeout().toMillis() + "ms on worker "
        + worker.id + "; the worker is replaced");
    List<Request> live = new ArrayList<>();
    for (Request r : batch.requests()) {
      if (!r.isDone()) {
        live.add(r);
      }
    }
    boolean rerun = version.config.idempotent() && batch.size() > 1; // alone, a request is the one that hangs
    List<Request> retry = new ArrayList<>();
    for (Request r : live) {
      if (rerun && r.deaths++ == 0) {
        r.startNanos = 0;
        r.trace.batchFinished(error); // its run ends here; the re-run is a stage of its own
        retry.add(r); // runs alone next (BatchSelector), so a hanging mate cannot take it down twice
      } else {
        r.future.completeExceptionally(error);
      }
    }
    // Abort and interrupt before requeueing: the engine's run in progress stops (ONNX Runtime's terminate flag), and a
    // handler that checks its interrupt flag sees it, before anyone re-runs them.
    worker.abortRun();
    worker.interrupt();
    if (!retry.isEmpty() && !version.queue.requeue(retry)) {
      retry.forEach(r -> r.future.completeExceptionally(error));
    }
  }
}
