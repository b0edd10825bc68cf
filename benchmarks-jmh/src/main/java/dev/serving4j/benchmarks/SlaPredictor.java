package dev.serving4j.benchmarks;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;

/**
 * Predicts a combination's throughput and p99 from a learned {@link CostCurve}, without running it.
 *
 * <p><b>Which batches run.</b> A free worker sees a queue of q requests (closed loop: the C callers' requests
 * minus those the other workers are running; open loop: a full window once the offered load alone would keep one
 * worker busy). It forms a batch the way serving4j's batcher does: the oldest request, then its mates ranked by how
 * close their cost is to its cost, within {@code maxBatchSize} and {@code maxBatchCost}, and it runs the k of them
 * with the most requests per predicted millisecond. That is emulated on queues drawn from the workload's own
 * request costs (a fixed seed, so a prediction is a pure function of its inputs), giving the mean batch size k̄ and
 * mean batch time t̄.
 *
 * <p><b>From batches to figures.</b> Closed loop: throughput X = (busy workers) × k̄ / t̄ with busy workers =
 * min(w, C / k̄); every caller always has one request in the system, so the mean latency is C / X (Little's law);
 * p99 adds a batch time when callers queue (a request can just miss a batch) and 3σ of the batch times. Open loop
 * at rate λ: capacity μ = w × k̄ / t̄; at ρ = λ/μ ≥ 1 the queue grows without bound (p99 infinite), below it the
 * wait's p99 is M/M/1's ln(100ρ) / (μ(1 − ρ)). Costs the handler time leaves out (dispatch, tokenizing on the
 * callers' threads, neighbours on a shared machine) enter through {@code correction}: measured over predicted
 * throughput at a calibration point of the same served configuration.
 */
final class SlaPredictor {
  /** Queues drawn per prediction. */
  static final int TRIALS = 200;
  private static final double SIGMAS = 3;
  private static final double TIE = 1e-3;

  private final long[] costs;
  private final int maxBatchCost;
  private final long seed;

  /**
   * A predictor for a workload whose requests cost {@code costs} ({@code Handler.cost}: token counts for MiniLM,
   * all 1 for a handler without one), batched within {@code maxBatchCost} (0: none).
   */
  SlaPredictor(long[] costs, long maxBatchCost, long seed) {
    if (costs.length == 0) {
      throw new IllegalArgumentException("the workload's request costs are empty: nothing to predict from");
    }
    this.costs = costs.clone();
    this.maxBatchCost = (int) Math.min(Integer.MAX_VALUE, maxBatchCost);
    this.seed = seed;
  }

  /**
   * What a combination is predicted to do.
   *
   * @param combination the point
   * @param throughput requests per second
   * @param p99Millis 99th-percentile latency (infinite when the load exceeds capacity in open loop)
   * @param meanBatch the mean batch size the batcher would choose
   */
  record Prediction(Combination combination, double throughput, double p99Millis, double meanBatch) {
    /** Whether the prediction meets a p99 SLA. */
    boolean meets(double slaP99Millis) {
      return p99Millis <= slaP99Millis;
    }
  }

  /** The batches a free worker would run from queues of {@code queued} requests, at most {@code maxBatch} each. */
  record Batches(double meanSize, double meanMillis, double sigmaMillis) {
    /** Requests per millisecond of one busy worker. */
    double perMillis() {
      return meanSize / meanMillis;
    }
  }

  /** Predicts {@code c} on {@code curve} (learned for its served configuration), scaled by {@code correction}. */
  Prediction predict(Combination c, CostCurve curve, boolean openLoop, double correction) {
    return openLoop ? predictOpen(c, curve, correction) : predictClosed(c, curve, correction);
  }

  private Prediction predictClosed(Combination c, CostCurve curve, double correction) {
    int callers = (int) c.load();
    Batches b = batches(curve, c.batchSize(), Math.max(1, callers - (c.workers() - 1)));
    for (int i = 0; i < 2; i++) { // the queue a free worker sees depends on the batches the others run
      int queued = (int) Math.max(1, Math.round(callers - (c.workers() - 1) * b.meanSize()));
      b = batches(curve, c.batchSize(), queued);
    }
    double busy = Math.min(c.workers(), callers / b.meanSize());
    double throughput = busy * b.perMillis() * 1e3 * correction;
    double mean = 1e3 * callers / throughput;
    boolean queueing = callers > c.workers() * b.meanSize();
    double p99 = mean + (queueing ? b.meanMillis() / correction : 0) + SIGMAS * b.sigmaMillis();
    return new Prediction(c, throughput, p99, b.meanSize());
  }

  private Prediction predictOpen(Combination c, CostCurve curve, double correction) {
    double rate = c.load();
    Batches alone = batches(curve, 1, 1);
    double loneLoad = rate * alone.meanMillis() / correction / 1e3 / c.workers();
    int queued = loneLoad >= 1 ? Math.max(c.batchSize(), 64) : (int) Math.ceil(1 + loneLoad * c.workers());
    Batches b = batches(curve, c.batchSize(), queued);
    double capacity = c.workers() * b.perMillis() * 1e3 * correction;
    double rho = rate / capacity;
    if (rho >= 1) {
      return new Prediction(c, capacity, Double.POSITIVE_INFINITY, b.meanSize());
    }
    double waitP99 = Math.max(0, Math.log(100 * rho)) / (capacity * (1 - rho)) * 1e3;
    return new Prediction(c, rate, b.meanMillis() / correction + waitP99 + SIGMAS * b.sigmaMillis(),
        b.meanSize());
  }

  /** Emulates the batcher on {@value #TRIALS} queues of {@code queued} requests drawn from the workload. */
  Batches batches(CostCurve curve, int maxBatch, int queued) {
    SplittableRandom random = new SplittableRandom(seed);
    double sizes = 0;
    double millis = 0;
    double sigma = 0;
    for (int trial = 0; trial < TRIALS; trial++) {
      long[] ranked = rank(draw(random, queued), maxBatch);
      int k = choose(curve, ranked);
      sizes += k;
      millis += curve.millis(k, largest(ranked, k) * k);
      sigma += curve.sigmaMillis(k);
    }
    return new Batches(sizes / TRIALS, millis / TRIALS, sigma / TRIALS);
  }

  private long[] draw(SplittableRandom random, int queued) {
    long[] queue = new long[queued];
    for (int i = 0; i < queued; i++) {
      queue[i] = costs[random.nextInt(costs.length)];
    }
    return queue;
  }

  /** The oldest request, then its mates closest in cost first, within maxBatch and maxBatchCost. */
  private long[] rank(long[] queue, int maxBatch) {
    long anchor = queue[0];
    Long[] mates = Arrays.stream(queue, 1, queue.length).boxed().toArray(Long[]::new);
    Arrays.sort(mates, Comparator.comparingLong(m -> Math.abs(m - anchor))); // stable: queue order breaks ties
    long[] batch = new long[Math.min(maxBatch, queue.length)];
    batch[0] = anchor;
    int size = 1;
    long largest = anchor;
    boolean alone = maxBatchCost > 0 && anchor >= maxBatchCost;
    for (int i = 0; i < mates.length && size < batch.length && !alone; i++) {
      if (maxBatchCost == 0 || Math.max(largest, mates[i]) * (size + 1) <= maxBatchCost) {
        batch[size++] = mates[i];
        largest = Math.max(largest, mates[i]);
      }
    }
    return Arrays.copyOf(batch, size);
  }

  /** The batcher's exploit rule without deadlines: the k with the most requests per predicted millisecond. */
  private static int choose(CostCurve curve, long[] ranked) {
    double[] score = new double[ranked.length + 1];
    double best = 0;
    long largest = 0;
    for (int k = 1; k <= ranked.length; k++) {
      largest = Math.max(largest, ranked[k - 1]);
      double t = Math.max(1e-6, curve.millis(k, largest * k));
      score[k] = k / t;
      best = Math.max(best, score[k]);
    }
    for (int k = 1; k <= ranked.length; k++) {
      if (score[k] >= best * (1 - TIE)) {
        return k; // near-ties go to the smaller batch, as the batcher's do
      }
    }
    return 1;
  }

  private static long largest(long[] ranked, int k) {
    long largest = 0;
    for (int i = 0; i < k; i++) {
      largest = Math.max(largest, ranked[i]);
    }
    return largest;
  }
}
