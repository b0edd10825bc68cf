package dev.serving4j.benchmarks;

import dev.serving4j.ModelDescription.BatchCost;
import dev.serving4j.ServingEventListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The server's learned cost model averaged over a run, from its {@code costModelUpdated} events. The server's own
 * fit weighs about the last ten batches of a class (so it follows changes); a snapshot read at the end of a short
 * run is therefore the fit of its last few batches, noisy on a shared machine. The mean of every fit the class
 * went through once trusted ({@value #TRUSTED} samples, as the server's own rule) weighs the whole run alike,
 * which is what a prediction for the same conditions wants. Averaging the coefficients averages the predictions,
 * since each is linear in them.
 */
final class CostModelAverage implements ServingEventListener {
  /** Samples after which a class's fit counts (the server's own trust threshold). */
  static final long TRUSTED = 3;

  private final Map<Integer, double[]> sums = new TreeMap<>(); // min size -> {n, a, b, sigma, max size, samples}

  @Override
  public synchronized void costModelUpdated(CostModelUpdated event) {
    BatchCost fit = event.fit();
    if (fit.samples() < TRUSTED) {
      return;
    }
    double[] s = sums.computeIfAbsent(fit.minBatchSize(), k -> new double[6]);
    s[0]++;
    s[1] += fit.fixedMillis();
    s[2] += fit.millisPerCost();
    s[3] += fit.sigmaMillis();
    s[4] = fit.maxBatchSize();
    s[5] = fit.samples();
  }

  /** The averaged fit of every class trusted so far, smallest sizes first (empty before any). */
  synchronized List<BatchCost> averaged() {
    List<BatchCost> classes = new ArrayList<>();
    sums.forEach((min, s) -> classes.add(new BatchCost(min, (int) s[4], s[1] / s[0], s[2] / s[0], s[3] / s[0],
        (long) s[5])));
    return classes;
  }
}
