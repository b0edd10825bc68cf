package dev.serving4j.internal;

import dev.serving4j.WorkerState;
import java.util.Map;

/** Read-only live figures of one version, for gauges. Each call is cheap and thread-safe. */
public interface VersionView {
  /** Model name. */
  String modelName();

  /** Model version. */
  String modelVersion();

  /** Requests waiting in the queue. */
  int queueDepth();

  /** Requests accepted and not yet completed. */
  int inFlight();

  /** Live workers by state. */
  Map<WorkerState, Integer> workersByState();
}
