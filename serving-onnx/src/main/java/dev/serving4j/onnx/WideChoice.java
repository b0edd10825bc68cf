package dev.serving4j.onnx;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a batch that runs alone is actually faster on the elastic layout's wide session than on its one-thread
 * session, learned from those lone runs themselves. Every core on one request is not always a win: on a VM where a
 * thread wake-up costs tens of microseconds, a small CNN at batch 1 (PaddleOCR's direction classifier, learnt at
 * 2.76 ms on one thread and 5.40 ms wide in docs/benchmarks/zero-config/lone) can lose more to waking the second
 * thread than it gains from it, while a transformer runs markedly faster wide (MiniLM: 8.49 ms wide, 10.83 ms).
 *
 * <p>So the choice runs in phases. Learning: lone runs alternate between the two sessions until each has
 * {@link #SAMPLES} timings (the first {@link #COLD} runs of each session, which pay its arena's first allocations,
 * are not counted). Exploiting: the next lone runs go to the faster, {@link #FIRST_PHASE} of them after a new
 * choice, twice as many each time learning afresh confirms it, up to {@link #RELEARN_EVERY}; then it learns afresh.
 * So a choice made from a disturbed phase (a neighbour's burst, or a process's first seconds, when the JIT compiler
 * takes a core from the wide session's second thread: MiniLM was once learnt at 13.1 ms wide and 11.7 on one thread,
 * against 8-9.5 and 10-11 later) or outdated by a change of inputs lasts {@link #FIRST_PHASE} lone runs, and a
 * settled one costs about {@link #SAMPLES} runs on the slower session in {@link #RELEARN_EVERY}. The wide session
 * keeps lone runs unless the one-thread one is predicted at least {@link #MARGIN} faster: every core on a lone
 * request is the documented default, and near-equal estimates must not flip it.
 *
 * <p>Only a lone run during which no other run of the model started or was running is timed (the workers' warm-ups
 * run side by side). Inputs vary in size (sentences of 5 to 60 words), so each session's times are fitted as
 * a + b × input elements by least squares and the two fits are compared at the phase's mean input size; a sample over
 * {@link #OUTLIER} times its fit's prediction (a GC pause) counts as that bound. One instance per wide session, shared
 * by the workers using it; it is called twice per run, rare next to a run's cost, so it simply synchronizes.
 */
final class WideChoice {
  private static final Logger LOG = LoggerFactory.getLogger(WideChoice.class);

  /** Timed lone runs per session in a learning phase. */
  static final int SAMPLES = 16;
  /** Timed runs of each session not counted at first. */
  static final int COLD = 2;
  /** Lone runs of the exploiting phase after a new choice; each confirmation doubles it up to RELEARN_EVERY. */
  static final int FIRST_PHASE = 64;
  /** Most lone runs of an exploiting phase, before the choice is learnt afresh. */
  static final int RELEARN_EVERY = 1024;
  /** A sample counts as at most this many times its fit's prediction. */
  static final double OUTLIER = 4;
  /** How much faster the one-thread session must be predicted to take lone runs from the wide one. */
  static final double MARGIN = 0.10;
  /** Tickets ({@link #starting}): bit 0 timed, bit 1 wide, the rest the run's start count when timed. */
  private static final long NOT_LONE = 0;
  private static final long WIDE_UNTIMED = 2;

  private final String model;
  private Fit narrow = new Fit(COLD);
  private Fit wide = new Fit(COLD);
  private long exploiting; // lone runs of the current exploiting phase; 0 while learning
  private int phase = FIRST_PHASE; // lone runs the current exploiting phase lasts
  private boolean prefersWide = true;
  private boolean logged;
  private int active; // runs of this model in progress, on any worker
  private long starts; // runs of this model started so far

  WideChoice(String model) {
    this.model = model;
  }

  /**
   * A run of this model is starting on any worker: {@code lone} when it may use every core (it runs alone), and it
   * then goes to the wide session if {@link #wide(long)} of the returned ticket says so. Pair with {@link #finished}.
   */
  synchronized long starting(boolean lone) {
    boolean alone = lone && active == 0;
    active++;
    starts++;
    if (!lone) {
      return NOT_LONE;
    }
    boolean onWide = wideForLoneRun();
    return alone ? (starts << 2) | (onWide ? 3 : 1) : (onWide ? WIDE_UNTIMED : NOT_LONE);
  }

  /** Whether the run of {@code ticket} goes to the wide session. */
  static boolean wide(long ticket) {
    return (ticket & 2) != 0;
  }

  /** Whether the run of {@code ticket} is to be timed (it started alone); {@link #finished} ignores the others'. */
  static boolean timed(long ticket) {
    return (ticket & 1) != 0;
  }

  /** The run of {@code ticket} ended after {@code nanos} for {@code elements} input elements (0 when it failed). */
  synchronized void finished(long ticket, long nanos, long elements) {
    active--;
    if (timed(ticket) && ticket >>> 2 == starts) { // and no run started since
      loneRunTook(wide(ticket), nanos, elements);
    }
  }

  /** Whether the next lone run goes to the wide session (counting it as a lone run of the phase). */
  synchronized boolean wideForLoneRun() {
    if (exploiting == 0) {
      if (narrow.samples < SAMPLES || wide.samples < SAMPLES) {
        return wide.samples <= narrow.samples; // alternate, the wide one first
      }
      choose();
    }
    if (++exploiting > phase) {
      exploiting = 0;
      narrow = new Fit(0); // the cold runs are behind them
      wide = new Fit(0);
      return true;
    }
    return prefersWide;
  }

  private void choose() {
    double x = (narrow.meanX() + wide.meanX()) / 2;
    boolean was = prefersWide;
    prefersWide = narrow.predict(x) >= (1 - MARGIN) * wide.predict(x);
    phase = logged && was == prefersWide ? Math.min(RELEARN_EVERY, 2 * phase) : FIRST_PHASE;
    String line = "model {}: batches that run alone go to the {} session (a lone run learnt at {} ms wide, {} ms on "
        + "one thread)";
    Object[] args = {model, prefersWide ? "wide" : "one-thread", millis(wide, x), millis(narrow, x)};
    if (!logged || was != prefersWide) {
      LOG.info(line, args);
    } else {
      LOG.debug(line, args);
    }
    logged = true;
  }

  /** Lone runs of the current (or next) exploiting phase. */
  synchronized int phase() {
    return phase;
  }

  /** Whether the wide session is the choice for lone runs, as last learnt (true before the first choice). */
  synchronized boolean prefersWide() {
    return prefersWide;
  }

  /** A lone run on the wide ({@code onWide}) or one-thread session took {@code nanos} for {@code elements} inputs. */
  synchronized void loneRunTook(boolean onWide, long nanos, long elements) {
    if (nanos > 0 && elements > 0 && exploiting == 0) {
      (onWide ? wide : narrow).add(elements, nanos);
    }
  }

  /** The learning phase's fitted lone-run time of the wide or one-thread session at its mean input size, or 0. */
  synchronized double predictedNanos(boolean onWide) {
    Fit f = onWide ? wide : narrow;
    return f.predict(f.meanX());
  }

  private static String millis(Fit fit, double x) {
    return String.format(java.util.Locale.ROOT, "%.2f", fit.predict(x) / 1e6);
  }

  /**
   * time ≈ a + b × elements by least squares; with one input size, the mean time. The first {@code cold} samples
   * are dropped.
   */
  private static final class Fit {
    int samples;
    private int cold;
    private double sx;
    private double sy;
    private double sxx;
    private double sxy;

    Fit(int cold) {
      this.cold = cold;
    }

    void add(double x, double y) {
      if (cold > 0) {
        cold--;
        return;
      }
      if (samples > 0) {
        y = Math.min(y, OUTLIER * Math.max(1, predict(x)));
      }
      sx += x;
      sy += y;
      sxx += x * x;
      sxy += x * y;
      samples++;
    }

    double meanX() {
      return samples == 0 ? 0 : sx / samples;
    }

    double predict(double x) {
      if (samples == 0) {
        return 0;
      }
      double mx = sx / samples;
      double my = sy / samples;
      double var = sxx / samples - mx * mx;
      double b = var > 1e-9 * Math.max(1, mx * mx) ? (sxy / samples - mx * my) / var : 0;
      return Math.max(0, my + b * (x - mx));
    }
  }
}
