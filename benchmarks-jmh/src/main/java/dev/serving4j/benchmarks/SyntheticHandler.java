package dev.serving4j.benchmarks;

import dev.serving4j.Batch;
import dev.serving4j.Handler;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * A handler whose batch of {@code n} costs {@code alpha + beta * n} nanoseconds of parking (no CPU), the cost curve
 * of a GPU-like device where a batch's fixed cost dominates; with both 0 it is a no-op that returns its inputs.
 * Parking overshoots by tens of microseconds, which the efficiency figures include.
 */
final class SyntheticHandler implements Handler<Object, Object> {
  private final long alphaNanos;
  private final long betaNanos;

  SyntheticHandler(long alphaNanos, long betaNanos) {
    this.alphaNanos = alphaNanos;
    this.betaNanos = betaNanos;
  }

  @Override
  public Object preprocess(Batch<Object> batch) {
    return batch.inputs();
  }

  @Override
  public Object inference(Object preprocessed, Batch<Object> batch) {
    if (alphaNanos > 0 || betaNanos > 0) {
      long cost = alphaNanos + betaNanos * batch.size();
      long end = System.nanoTime() + cost;
      for (long left = cost; left > 0; left = end - System.nanoTime()) {
        LockSupport.parkNanos(left);
      }
    }
    return preprocessed;
  }

  @Override
  @SuppressWarnings("unchecked")
  public List<Object> postprocess(Object inferred, Batch<Object> batch) {
    return (List<Object>) inferred;
  }
}
