package dev.serving4j.onnx;

import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OnnxValue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts the native tensors an engine created (inputs and run outputs) that are not closed yet, so tests can check
 * nothing leaks (ONNX Runtime frees native memory only on {@code close()}, never on garbage collection).
 *
 * <p>One per engine, no static state. Values serving4j closes itself leave the set at once; values a caller owns
 * ({@link OnnxModel#runNative}, {@link OnnxModel#createTensor}) are found closed and dropped when counted, or when the
 * set grows past twice its size at the last sweep.
 */
final class NativeTracker {
  private final Set<OnnxTensorLike> live = ConcurrentHashMap.newKeySet();
  private volatile int sweepAt = 256;

  /** Starts tracking {@code value}; returns it. */
  <T extends OnnxValue> T track(T value) {
    if (value instanceof OnnxTensorLike t) {
      live.add(t);
      if (live.size() > sweepAt) {
        live.removeIf(OnnxTensorLike::isClosed);
        sweepAt = Math.max(256, 2 * live.size());
      }
    }
    return value;
  }

  /** Closes {@code value} and stops tracking it. Safe to call twice. */
  void close(OnnxValue value) {
    if (value != null) {
      value.close();
      if (value instanceof OnnxTensorLike t) {
        live.remove(t);
      }
    }
  }

  /** Stops tracking {@code value} without closing it (its owner, such as a {@code Result}, will). */
  void forget(OnnxValue value) {
    if (value instanceof OnnxTensorLike t) {
      live.remove(t);
    }
  }

  /** Native tensors created and not closed yet. */
  int live() {
    live.removeIf(OnnxTensorLike::isClosed);
    return live.size();
  }
}
