package dev.serving4j.onnx;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession.RunOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Aborts one run that overran the inference timeout: the server's watchdog calls {@link OnnxModel#abort()} on its
 * timer thread, which calls {@link #terminate()}, which sets {@code RunOptions.setTerminate(true)}; ONNX Runtime
 * checks the flag between operators and fails the run, leaving the session usable. {@link #finish()} and
 * {@link #terminate()} share a lock so the flag is never set on RunOptions the runner already closed, and so a run
 * that failed can tell whether the abort caused it.
 */
final class RunGuard {
  private static final Logger LOG = LoggerFactory.getLogger(RunGuard.class);

  private final RunOptions options;
  private boolean finished;
  private boolean terminated;

  RunGuard(RunOptions options) {
    this.options = options;
  }

  /** Called by the watchdog: aborts the run unless it already finished. */
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

  /** Called by the runner when the run returns or fails; true when the watchdog aborted it. */
  synchronized boolean finish() {
    finished = true;
    return terminated;
  }
}
