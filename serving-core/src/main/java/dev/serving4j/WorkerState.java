package dev.serving4j;

/** Where a worker is in its life. */
public enum WorkerState {
  /** Running {@link Handler#initialize}. */
  STARTING,
  /** Ready and waiting for a batch. */
  IDLE,
  /** Running a batch. */
  BUSY,
  /** Waiting to restart after a crash or a failed initialize. */
  BACKOFF,
  /** Finishing its current batch before it stops. */
  STOPPING,
  /** Stopped; its handler is closed. */
  STOPPED
}
