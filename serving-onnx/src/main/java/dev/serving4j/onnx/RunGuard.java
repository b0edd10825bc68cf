package dev.serving4j.onnx;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession.RunOptions;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Aborts one run that exceeds the inference timeout: a timer thread calls {@link #terminate()}, which sets
 * {@code RunOptions.setTerminate(true)}; ONNX Runtime checks the flag between operators and fails the run, leaving the
 * session usable. {@link #finish()} and {@link #terminate()} share a lock so the flag is never set on RunOptions the
 * runner already closed, and so a run that failed can tell whether the timer caused it.
 */
final class RunGuard {
  private static final Logger LOG = LoggerFactory.getLogger(RunGuard.class);

  private final RunOptions options;
  private boolean finished;
  private boolean terminated;

  RunGuard(RunOptions options) {
    this.options = options;
  }

  /** Called by the timer: aborts the run unless it already finished. */
  synchronized void terminate() {
    if (finished) {
      return;
    }
    try {
      options.setTerminate(true);
      terminated = true;
    } catch (OrtException e) {
      LOG.warn("could not abort an ONNX Runtime run past its inference timeout", e);
    }
  }

  /** Called by the runner when the run returns or fails; true when the timer aborted it. */
  synchronized boolean finish() {
    finished = true;
    return terminated;
  }

  /** Schedules the abort of runs past their timeout. One per engine; tests inject one that fires at once. */
  interface Timer extends AutoCloseable {
    /** Runs {@code task} after {@code nanos}; the returned future cancels it. */
    Future<?> schedule(Runnable task, long nanos);

    @Override
    void close();

    /** A daemon thread named after the model, started lazily and stopped by {@link #close()}. */
    static Timer daemon(String model) {
      return new Timer() {
        private ScheduledExecutorService executor;
        private boolean closed;

        @Override
        public synchronized Future<?> schedule(Runnable task, long nanos) {
          if (closed) {
            throw new dev.serving4j.ServingException("the inference-timeout timer of model " + model + " is closed");
          }
          if (executor == null) {
            ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, r -> {
              Thread t = new Thread(r, "serving4j-onnx-timeout-" + model);
              t.setDaemon(true);
              return t;
            });
            e.setRemoveOnCancelPolicy(true);
            executor = e;
          }
          return executor.schedule(task, nanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public synchronized void close() {
          closed = true;
          if (executor != null) {
            executor.shutdownNow();
          }
        }
      };
    }
  }
}
