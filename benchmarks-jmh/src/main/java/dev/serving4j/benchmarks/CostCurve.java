package dev.serving4j.benchmarks;

import dev.serving4j.ModelDescription.BatchCost;
import java.util.Comparator;
import java.util.List;

/**
 * A served configuration's batch cost as its server learned it ({@code describe()}'s {@code costModel()}): per
 * batch-size class, handler time ≈ a + b × padded cost. A batch size whose class the server never ran is priced
 * by the nearest class it did run (nearest in log size), so a curve read after a short calibration still covers
 * every batch size a prediction asks about; the classes with more samples win ties.
 */
final class CostCurve {
  private final List<BatchCost> classes;
  /** The class pricing each batch size, looked up once per size (predictions ask for the same sizes often). */
  private final java.util.Map<Integer, BatchCost> bySize = new java.util.concurrent.ConcurrentHashMap<>();

  /** A curve over the learned classes; throws when there are none (the server ran no batch). */
  CostCurve(List<BatchCost> classes) {
    if (classes.isEmpty()) {
      throw new IllegalArgumentException("the cost model has no batch-size class yet: run some requests first");
    }
    this.classes = List.copyOf(classes);
  }

  /** The learned classes, as read. */
  List<BatchCost> classes() {
    return classes;
  }

  /** Predicted handler time of a batch of {@code n} with padded cost {@code padded}, in milliseconds. */
  double millis(int n, long padded) {
    return classOf(n).predictMillis(padded);
  }

  /** The residual spread of the class that prices a batch of {@code n}, in milliseconds. */
  double sigmaMillis(int n) {
    return classOf(n).sigmaMillis();
  }

  private BatchCost classOf(int n) {
    return bySize.computeIfAbsent(n, this::nearest);
  }

  private BatchCost nearest(int n) {
    return classes.stream().min(Comparator.comparingDouble((BatchCost c) -> distance(c, n))
        .thenComparingLong(c -> -c.samples())).orElseThrow();
  }

  /** 0 inside the class, else how many doublings {@code n} is from its nearest end. */
  private static double distance(BatchCost c, int n) {
    if (n < c.minBatchSize()) {
      return Math.log((double) c.minBatchSize() / n);
    }
    return n > c.maxBatchSize() ? Math.log((double) n / c.maxBatchSize()) : 0;
  }
}
