package dev.serving4j.benchmarks;

import dev.serving4j.Batch;
import dev.serving4j.Handler;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * A handler whose batch costs a given number of nanoseconds of parking (no CPU), from a {@link Curve} of the batch's
 * size and padded cost: by default {@code alpha + beta * n}, the curve of a GPU-like device where a batch's fixed
 * cost dominates; with both 0 it is a no-op that returns its inputs. A costed handler takes each input's cost from
 * the input itself (an {@code Integer}), so padding can be simulated. A batch takes its curve's time: it parks
 * until {@link #FINAL_YIELD_NANOS} before the end and yields the rest, because parking alone overshoots by 50-200 µs
 * on a VM (the timer's wake-up), which would charge the scheduler for the synthetic engine's sleep.
 */
class SyntheticHandler implements Handler<Object, Object> {
  /** The end of a batch is waited for by yielding, not parking, this close to it. */
  static final long FINAL_YIELD_NANOS = 250_000;

  /** Model time of a batch of {@code n} whose padded cost (largest cost × n) is {@code padded}, in nanoseconds. */
  @FunctionalInterface
  interface Curve {
    long nanos(int n, long padded);
  }

  private final Curve curve;
  private final boolean costed;

  SyntheticHandler(long alphaNanos, long betaNanos) {
    this((n, padded) -> alphaNanos + betaNanos * n, false);
  }

  SyntheticHandler(Curve curve) {
    this(curve, false);
  }

  private SyntheticHandler(Curve curve, boolean costed) {
    this.curve = curve;
    this.costed = costed;
  }

  /**
   * The same handler that also tells the batcher each input's cost (a separate class: a handler that overrides
   * {@code cost} makes every caller compute it, which the no-op dispatch figures must not include).
   */
  static final class Costed extends SyntheticHandler {
    Costed(Curve curve) {
      super(curve, true);
    }

    @Override
    public long cost(Object input) {
      return costOf(input);
    }
  }

  final long costOf(Object input) {
    return costed ? ((Integer) input).longValue() : 1;
  }

  @Override
  public Object preprocess(Batch<Object> batch) {
    return batch.inputs();
  }

  @Override
  @SuppressWarnings("unchecked")
  public Object inference(Object preprocessed, Batch<Object> batch) {
    List<Object> inputs = (List<Object>) preprocessed; // what preprocess returned: also set when called directly
    long largest = 0;
    for (Object in : inputs) {
      largest = Math.max(largest, costOf(in));
    }
    long cost = curve.nanos(inputs.size(), largest * inputs.size());
    if (cost > 0) {
      long end = System.nanoTime() + cost;
      for (long left = cost; left > 0; left = end - System.nanoTime()) {
        if (left > FINAL_YIELD_NANOS) {
          LockSupport.parkNanos(left - FINAL_YIELD_NANOS);
        } else {
          Thread.yield();
        }
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
