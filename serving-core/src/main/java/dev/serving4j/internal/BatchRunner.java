package dev.serving4j.internal;

import dev.serving4j.Handler;
import dev.serving4j.HandlerException;
import dev.serving4j.InferenceTimeoutException;
import dev.serving4j.ServingException;
import dev.serving4j.WorkerFailedException;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs one batch through a handler's three stages, times them, and completes every request exactly once: with its
 * output, with its own item failure, or with the batch's failure.
 *
 * <p>A watchdog on the server's timer fires if the stages overrun the inference timeout: it fails the batch's
 * requests at once (callers are never held hostage), retires the worker and starts a replacement, then interrupts
 * the stuck thread. Engines that can abort a run themselves (ONNX Runtime's terminate flag) return sooner.
 */
final class BatchRunner {
  private final ModelVersion version;

  BatchRunner(ModelVersion version) {
    this.version = version;
  }

  void run(Worker worker, Handler<Object, Object> handler, RunningBatch batch) {
    long start = System.nanoTime();
    for (Request r : batch.requests()) {
      r.startNanos = start;
    }
    version.events.batchStarted(worker.id, batch.size(), batch.request(0).arrivalNanos);
    long timeoutNanos = version.config.inferenceTimeout().toNanos();
    ScheduledFuture<?> watchdog = version.resources.timer.schedule(
        () -> overrun(worker, batch), timeoutNanos, TimeUnit.NANOSECONDS);
    String stage = "preprocess";
    try {
      Object pre = handler.preprocess(batch);
      long t1 = System.nanoTime();
      stage = "inference";
      Object inferred = handler.inference(pre, batch);
      long t2 = System.nanoTime();
      stage = "postprocess";
      List<Object> outputs = handler.postprocess(inferred, batch);
      long t3 = System.nanoTime();
      complete(batch, outputs);
      version.onBatchFinished(worker, batch.size(), t1 - start, t2 - t1, t3 - t2, false);
    } catch (Exception e) {
      failAll(batch, new HandlerException(version.label() + ": " + stage + " failed for a batch of "
          + batch.size() + ": " + e, e));
      version.onBatchFinished(worker, batch.size(), 0, 0, 0, true);
    } catch (Throwable t) {
      failAll(batch, new WorkerFailedException(version.label() + ": worker " + worker.id + " died in " + stage
          + " (" + t + "); the batch of " + batch.size() + " failed", t));
      version.onBatchFinished(worker, batch.size(), 0, 0, 0, true);
      throw new Worker.WorkerCrash(t);
    } finally {
      watchdog.cancel(false);
    }
  }

  private void complete(RunningBatch batch, List<Object> outputs) {
    if (outputs == null || outputs.size() != batch.size()) {
      failAll(batch, new HandlerException(version.label() + ": postprocess returned "
          + (outputs == null ? "null" : outputs.size() + " outputs") + " for a batch of " + batch.size()
          + "; expected one output per input, in order"));
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

  private void failAll(RunningBatch batch, Throwable error) {
    for (int i = 0; i < batch.size(); i++) {
      Request r = batch.request(i);
      r.future.completeExceptionally(batch.isFailed(i) ? itemFailure(i, batch.failure(i)) : error);
    }
  }

  private void overrun(Worker worker, RunningBatch batch) {
    if (worker.currentBatch() != batch) {
      return;
    }
    failAll(batch, new InferenceTimeoutException(version.label() + ": batch of " + batch.size()
        + " exceeded inferenceTimeout " + version.config.inferenceTimeout().toMillis() + "ms on worker "
        + worker.id + "; the worker is replaced"));
    version.pool.replace(worker);
    worker.interrupt();
  }
}
