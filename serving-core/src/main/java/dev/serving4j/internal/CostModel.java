package dev.serving4j.internal;

import dev.serving4j.ModelDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * What a batch of this model version costs, learned online from the batches it ran: per <em>size class</em>
 * (batches of 1, 2–3, 4–7, 8–15, … requests) a recency-weighted least-squares line {@code time ≈ a + b·paddedCost},
 * where the padded cost is the batch's largest {@code Handler.cost} times its size, plus the spread σ of the
 * residuals. Deterministic and free of clocks: callers pass the measured time.
 *
 * <p><b>Why classes.</b> One global line cannot say that a CPU model's per-item time rises with batch size while a
 * GPU's fixed cost amortises; a line per class follows any smooth curve piecewise, and within a class the padded
 * cost still separates short from long inputs. A class that has only seen one padded cost (every request costs 1)
 * cannot fit a slope, so its slope is shrunk toward the slope of a pooled line over all batches: the class's own
 * spread of costs decides how much it trusts itself.
 *
 * <p><b>Recency.</b> Each sample multiplies a class's older sums by {@value #DECAY} (about the last ten batches
 * count), the pooled sums by {@value #POOLED_DECAY}; so the fit follows a change of input mix or machine load.
 *
 * <p><b>Outliers.</b> Once a class has {@value #MIN_SAMPLES} samples, a new time at a padded cost within the range
 * the class has seen is clipped to at most the prediction + (4σ + 25%): a GC pause or a noisy neighbour moves the fit
 * by at most a few percent, while a lasting slowdown still wins after a few batches (each clipped sample also widens
 * σ). Noise does not make a batch much <em>faster</em> than its cost, so a time below the prediction by that margin
 * (or by half) is not clipped but taken as proof that the class's earlier samples were slow for a passing reason
 * (a process's first seconds, when the JIT compiler shares the cores and each new batch shape pays its first
 * allocations): the class starts afresh from it and, untrusted again, is re-explored at once. Without this, a class
 * fitted on cold runs looked too slow to be chosen, so it was sampled only by the rare re-exploration and took
 * thousands of batches to recover. A padded cost outside the range seen is not clipped: there the line is an
 * extrapolation, not evidence.
 *
 * <p>Thread-safe and cheap: {@link #record} is synchronized (workers call it after each batch) and replaces only
 * its class's immutable {@link Line}; readers (the batch selector, under the queue's lock) read lines without
 * locking. Each line is consistent; two lines may be one sample apart, which no decision depends on.
 */
final class CostModel {
  /** Size classes: class c holds batch sizes 2^c .. 2^(c+1)-1; 17 classes cover maxBatchSize's 65,536. */
  static final int CLASSES = 17;
  /** Samples after which a class is trusted (and its outliers clipped). */
  static final int MIN_SAMPLES = 3;
  static final double DECAY = 0.9;
  static final double POOLED_DECAY = 0.98;
  private static final double CLIP_SIGMAS = 4;
  private static final double CLIP_FRACTION = 0.25;
  /** Weight of the pooled slope, in units of a class's squared mean cost. */
  private static final double SLOPE_PRIOR = 0.05;
  /** Predictions never go below this, so a model time of zero (a stopped test clock) still ranks batches. */
  private static final double FLOOR_NANOS = 1;
  private static final Line NONE = new Line(0, 0, 0, 0);

  private final Sums[] classes = new Sums[CLASSES];
  private final Sums pooled = new Sums(POOLED_DECAY);
  private final AtomicReferenceArray<Line> lines = new AtomicReferenceArray<>(CLASSES);

  CostModel() {
    for (int c = 0; c < CLASSES; c++) {
      classes[c] = new Sums(DECAY);
      lines.set(c, NONE);
    }
  }

  /**
   * One class's fit: time ≈ {@code a + b·paddedCost} nanoseconds, residual spread {@code sigma}, from
   * {@code samples} batches.
   */
  record Line(double a, double b, double sigma, long samples) {
    double predict(double padded) {
      return Math.max(FLOOR_NANOS, a + b * padded);
    }
  }

  /** The size class of a batch of {@code n} (n ≥ 1). */
  static int sizeClass(int n) {
    return Math.min(CLASSES - 1, 31 - Integer.numberOfLeadingZeros(Math.max(1, n)));
  }

  /** Smallest batch size of class {@code c}. */
  static int smallest(int c) {
    return 1 << c;
  }

  /** Largest batch size of class {@code c}. */
  static int largest(int c) {
    return (1 << (c + 1)) - 1;
  }

  /** The padded cost of a batch: its largest request cost times its size. */
  static long paddedCost(List<Request> batch) {
    long largest = 0;
    for (Request r : batch) {
      largest = Math.max(largest, r.cost);
    }
    return largest * batch.size();
  }

  /**
   * Adds one successful batch: {@code n} requests, padded cost {@code padded}, {@code nanos} of handler time.
   * Returns the updated line of its class.
   */
  synchronized Line record(int n, long padded, long nanos) {
    int c = sizeClass(n);
    double x = padded;
    double y = Math.max(0, nanos);
    Line line = lines.get(c);
    if (line.samples >= MIN_SAMPLES && classes[c].covers(x)) {
      double predicted = line.predict(x);
      double slack = CLIP_SIGMAS * line.sigma + CLIP_FRACTION * predicted;
      if (y < predicted - Math.min(slack, predicted / 2)) {
        classes[c] = new Sums(DECAY); // far faster than fitted: the fit was of cold runs, start afresh
        line = NONE;
      } else {
        y = Math.min(predicted + slack, y);
      }
    }
    // Residuals count once the class is trusted: before that they measure the fit's ignorance, not the noise.
    double residual = line.samples >= MIN_SAMPLES ? y - line.predict(x) : Double.NaN;
    classes[c].add(x, y, residual);
    pooled.add(x, y, Double.NaN);
    Line updated = fit(classes[c], Math.max(0, pooled.slope()), line.samples + 1);
    lines.set(c, updated);
    return updated;
  }

  private static Line fit(Sums s, double pooledSlope, long samples) {
    double mx = s.sx / s.w;
    double my = s.sy / s.w;
    double prior = SLOPE_PRIOR * mx * mx;
    double vx = Math.max(0, s.sxx / s.w - mx * mx);
    double cxy = s.sxy / s.w - mx * my;
    double b = vx + prior > 0 ? Math.max(0, (cxy + prior * pooledSlope) / (vx + prior)) : pooledSlope;
    return new Line(my - b * mx, b, s.wr == 0 ? 0 : Math.sqrt(s.sr2 / s.wr), samples);
  }

  /** The current line of class {@code c}. */
  Line line(int c) {
    return lines.get(c);
  }

  /** True once class {@code c} has enough samples to be trusted. */
  boolean known(int c) {
    return lines.get(c).samples >= MIN_SAMPLES;
  }

  /** Predicted time of a batch of {@code n} with padded cost {@code padded}, in nanoseconds. */
  double predict(int n, long padded) {
    return lines.get(sizeClass(n)).predict(padded);
  }

  /** The residual spread of the class of a batch of {@code n}, in nanoseconds. */
  double sigma(int n) {
    return lines.get(sizeClass(n)).sigma;
  }

  /**
   * The least time a request of {@code cost} could take if started now: the prediction for a batch of one, or,
   * while batches of one are not yet known, the per-request share of the smallest known class at its smallest
   * size (a batch of one takes at least that wherever batching does not make single items cheaper in total; on a
   * CPU-like curve it is about the time of one). It errs low on purpose, so an early drop never hits a request
   * that could make it. 0 when nothing is known.
   */
  double fastest(long cost) {
    for (int c = 0; c < CLASSES; c++) {
      if (known(c)) {
        return lines.get(c).predict((double) cost * smallest(c)) / smallest(c);
      }
    }
    return 0;
  }

  /** The fit of every class that has samples, smallest sizes first, for {@code describe()}. */
  List<ModelDescription.BatchCost> describe() {
    List<ModelDescription.BatchCost> out = new ArrayList<>();
    for (int c = 0; c < CLASSES; c++) {
      Line l = lines.get(c);
      if (l.samples > 0) {
        out.add(new ModelDescription.BatchCost(smallest(c), largest(c), l.a / 1e6, l.b / 1e6, l.sigma / 1e6,
            l.samples));
      }
    }
    return out;
  }

  /** Exponentially decayed least-squares sums. */
  private static final class Sums {
    private final double decay;
    double w;
    double sx;
    double sy;
    double sxx;
    double sxy;
    double sr2;
    double wr;
    double minX = Double.MAX_VALUE;
    double maxX = -Double.MAX_VALUE;

    Sums(double decay) {
      this.decay = decay;
    }

    /** Adds a point and, unless it is NaN, its residual against the fit before it. */
    void add(double x, double y, double residual) {
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
      w = w * decay + 1;
      sx = sx * decay + x;
      sy = sy * decay + y;
      sxx = sxx * decay + x * x;
      sxy = sxy * decay + x * y;
      if (!Double.isNaN(residual)) {
        wr = wr * decay + 1;
        sr2 = sr2 * decay + residual * residual;
      }
    }

    /** True when {@code x} lies within the padded costs seen so far, where the fit is supported by data. */
    boolean covers(double x) {
      return x >= minX && x <= maxX;
    }

    double slope() {
      if (w == 0) {
        return 0;
      }
      double mx = sx / w;
      double vx = sxx / w - mx * mx;
      return vx > 1e-9 * Math.max(1, mx * mx) ? (sxy / w - mx * sy / w) / vx : 0;
    }
  }
}
