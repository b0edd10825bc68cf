package dev.serving4j.spi;

import dev.serving4j.Device;

/** A model loaded by an {@link Engine} for one worker. Closing it releases the worker's share. Idempotent. */
public interface EngineModel extends AutoCloseable {

  /** The device the model runs on (which may differ from the one asked for after a documented fallback). */
  Device device();

  /**
   * Called on the worker's thread before each batch with the cores that batch may use: every core when it runs
   * alone (no other batch running, nothing queued), fewer when other batches run beside it. An engine with an
   * elastic thread layout sizes its next runs by it; the default ignores it.
   */
  default void coresForNextBatch(int cores) {}

  /**
   * Called from the server's timer thread, never the worker's, when the worker's batch overran the inference
   * timeout: abort the run in progress on this model, if any, so the worker's thread returns (the run's late
   * result is discarded; the worker is replaced). Must not block, must not close the model, and may race with the
   * run's own end. The ONNX engine sets {@code RunOptions.setTerminate(true)}; the default does nothing, and the
   * worker's thread is also interrupted.
   */
  default void abort() {}

  @Override
  void close();
}
