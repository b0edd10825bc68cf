package dev.serving4j.internal;

import dev.serving4j.Handler;
import dev.serving4j.HandlerException;
import dev.serving4j.InferenceTimeoutException;
import dev.serving4j.ServingException;
import dev.serving4j.WorkerFailedException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs one batch through a handler's three stages, times them, and completes every request exactly once: with its
 * output, with its own item failure, or with the batch's failure.
 *
 * <p><b>Failure isolation.</b> When a stage throws for the whole batch, the batch is split in halves and each half
 * is run again, recursively, until the failing request(s) are alone; healthy batch-mates succeed. A batch of n with
 * one poison request costs at most 2·log2(n) extra runs; with every request poisonous at most 2(n-1). Switched off
 * by {@code failureIsolation=false}; never applied after a crash or a timeout.
 *
 * <p><b>Crashes.</b> An {@link Error} from a stage means the handler is no longer trusted: the worker restarts.
 * If the model is idempotent, the batch's requests go back to the front of the queue once, for another worker;
 * a request that was already in a crash fails with {@link WorkerFailedException}.
 *
 * <p><b>Timeouts.</b> A watchdog on the server's timer fires if the stages overrun the inference timeout: it fails
 * the batch's requests at once, retires the worker and starts a replacement, then interrupts the stuck thread.
 */
final class BatchRunner {
  private final ModelVersion version;

  BatchRunner(ModelVersion version) {
    this.version = version;
  }

  /** A whole-batch failure: the stage that threw and what it threw. */
  private record Failure(String stage, Exception error) {}

  void run(Worker worker, Handler<Object, Object> handler, RunningBatch batch) {
    Failure failure = attempt(worker, handler, batch);
    if (failure != null) {
      isolate(worker, handler, batch, failure);
    }
  }

  /** Runs the stages once; completes the batch on success, returns the failure otherwise. */
  private Failure attempt(Worker worker, Handler<Object, Object> handler, RunningBatch batch) {
    long batchId = version.batchIds.incrementAndGet();
    version.events.batchStarted(worker.id, batchId, batch.size(), batch.request(0).arrivalNanos);
    long start = version.resources.ticker.read();
    for (Request r : batch.requests()) {
      r.startNanos = start;
      r.batchId = batchId;
      r.trace.batchStarted(batchId, batch.size());
    }
    worker.current(batch);
    ScheduledFuture<?> watchdog = version.resources.timer.schedule(() -> overrun(worker, batch),
        version.config.inferenceTimeout().toNanos(), TimeUnit.NANOSECONDS);
    String stage = "preprocess";
    long t1 = start;
    long t2 = start;
    try {
      Object pre = handler.preprocess(batch);
      t1 = version.resources.ticker.read();
      stage = "inference";
      Object inferred = handler.inference(pre, batch);
      t2 = version.resources.ticker.read();
      stage = "postprocess";
      List<Object> outputs = handler.postprocess(inferred, batch);
      long t3 = version.resources.ticker.read();
      // Counted before the callers are answered, so whoever sees a result also sees its batch in describe().
      version.onBatchSucceeded(worker, batchId, batch.size(), CostModel.paddedCost(batch.requests()), t1 - start,
          t2 - t1, t3 - t2);
      traceFinished(batch, null);
      complete(batch, outputs);
      return null;
    } catch (Exception e) {
      recordFailed(worker, batchId, batch, stage, start, t1, t2);
      traceFinished(batch, e);
      return new Failure(stage, e);
    } catch (Throwable t) {
      recordFailed(worker, batchId, batch, stage, start, t1, t2);
      traceFinished(batch, t);
      crashed(worker, batch, stage, t);
      throw new Worker.WorkerCrash(t);
    } finally {
      watchdog.cancel(false);
      worker.current(null);
    }
  }

  /** Ends each request's model-run stage: with its own item failure, the batch's {@code error}, or none. */
  private static void traceFinished(RunningBatch batch, Throwable error) {
    for (int i = 0; i < batch.size(); i++) {
      batch.request(i).trace.batchFinished(batch.isFailed(i) ? batch.failure(i) : error);
    }
  }

  private void recordFailed(Worker worker, long batchId, RunningBatch batch, String stage, long start, long t1,
      long t2) {
    long now = version.resources.ticker.read();
    long pre = stage.equals("preprocess") ? now - start : t1 - start;
    long inf = stage.equals("inference") ? now - t1 : stage.equals("postprocess") ? t2 - t1 : 0;
    long post = stage.equals("postprocess") ? now - t2 : 0;
    version.onBatchFinished(worker, batchId, batch.size(), pre, inf, post, true);
  }

  private void isolate(Worker worker, Handler<Object, Object> handler, RunningBatch batch, Failure failure) {
    List<Request> live = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      Request r = batch.request(i);
      if (batch.isFailed(i)) {
        r.future.completeExceptionally(itemFailure(i, batch.failure(i)));
      } else if (!r.isDone()) {
        live.add(r);
      }
    }
    boolean bisect = version.config.failureIsolation() && live.size() > 1 && !worker.stopRequested();
    if (!bisect) {
      HandlerException error = batchFailure(failure, batch.size());
      live.forEach(r -> r.future.completeExceptionally(error));
      return;
    }
    int mid = live.size() / 2;
    List<List<Request>> halves = List.of(new ArrayList<>(live.subList(0, mid)),
        new ArrayList<>(live.subList(mid, live.size())));
    for (int h = 0; h < halves.size(); h++) {
      RunningBatch part = new RunningBatch(halves.get(h));
      try {
        Failure f = attempt(worker, handler, part);
        if (f != null) {
          isolate(worker, handler, part, f);
        }
      } catch (Worker.WorkerCrash crash) {
        // The worker died mid-isolation: the halves not yet run never reached the handler; give them back.
        for (int rest = h + 1; rest < halves.size(); rest++) {
          giveBack(halves.get(rest), crash.getCause());
        }
        throw crash;
      }
    }
  }

  /** Requeues requests that have not run (no death counted), or fails them if the queue is closed. */
  private void giveBack(List<Request> requests, Throwable cause) {
    List<Request> live = new ArrayList<>();
    for (Request r : requests) {
      if (!r.isDone()) {
        r.startNanos = 0;
        live.add(r);
      }
    }
    if (!live.isEmpty() && !version.queue.requeue(live)) {
      WorkerFailedException error = new WorkerFailedException(version.label() + ": the worker died and the "
          + "version is closing", cause);
      live.forEach(r -> r.future.completeExceptionally(error));
    }
  }

  private HandlerException batchFailure(Failure f, int size) {
    return new HandlerException(version.label() + ": " + f.stage + " failed for a batch of " + size + ": "
        + f.error, f.error);
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

  private void complete(RunningBatch batch, List<Object> outputs) {
    if (outputs == null || outputs.size() != batch.size()) {
      HandlerException error = new HandlerException(version.label() + ": postprocess returned "
          + (outputs == null ? "null" : outputs.size() + " outputs") + " for a batch of " + batch.size()
          + "; expected one output per input, in order");
      for (int i = 0; i < batch.size(); i++) {
        batch.request(i).future.completeExceptionally(error);
      }
      return;
    }
    for (int i = 0; i < batch.size(); i++) {
      Request r = batch.request(i);
      if (batch.isFailed(i)) {
        r.future.completeExceptionally(itemFailure(i, batch.failure(i)));
      } else {
        r.future.complete(outputs.get(i));
      }
    }
  }

  private Throwable itemFailure(int index, Throwable cause) {
    if (cause instanceof ServingException) {
      return cause;
    }
    return new HandlerException(version.label() + ": item " + index + " of its batch failed: " + cause, cause);
  }

  private void overrun(Worker worker, RunningBatch batch) {
    if (worker.currentBatch() != batch) {
      return;
    }
    InferenceTimeoutException error = new InferenceTimeoutException(version.label() + ": batch of " + batch.size()
        + " exceeded inferenceTimeout " + version.config.inferenceTimeout().toMillis() + "ms on worker "
        + worker.id + "; the worker is replaced");
    batch.requests().forEach(r -> r.future.completeExceptionally(error));
    version.pool.replace(worker);
    worker.interrupt();
  }
}
