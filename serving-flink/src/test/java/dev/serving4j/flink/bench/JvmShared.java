package dev.serving4j.flink.bench;

import java.util.concurrent.Callable;

/**
 * One instance of a resource per JVM, created by the first subtask that opens and closed by the last that closes:
 * how the benchmark's plain map shares one ONNX Runtime session between the subtasks of a TaskManager, as
 * serving4j's operator shares its server.
 *
 * @param <T> the shared resource
 */
final class JvmShared<T extends AutoCloseable> {
  private final Callable<T> factory;
  private T instance;
  private int users;

  JvmShared(Callable<T> factory) {
    this.factory = factory;
  }

  /** The shared instance, created on the first call; pair each call with {@link #release()}. */
  synchronized T acquire() throws Exception {
    if (users == 0) {
      instance = factory.call();
    }
    users++;
    return instance;
  }

  /** Gives up one use; the last one closes the instance. */
  synchronized void release() throws Exception {
    if (--users == 0) {
      T closing = instance;
      instance = null;
      closing.close();
    }
  }
}
