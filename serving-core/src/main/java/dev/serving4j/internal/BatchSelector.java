package dev.serving4j.internal;

import dev.serving4j.BatchingMode;
import dev.serving4j.ModelConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Chooses the next batch from the queued requests. Called under the queue's lock, so it looks at a bounded window
 * of requests and never blocks; it returns its choice and the queue unlinks it. Deterministic: the same queue, time
 * and cost model give the same batch.
 *
 * <p><b>Who may share a batch.</b> The <em>anchor</em> is the oldest request of the highest non-empty priority
 * level; it is always in the batch, so no request is starved by its bucket or its cost. Batch-mates must have the
 * anchor's batch key; they are ranked by priority, then by how close their cost is to the anchor's (in steps of a
 * quarter octave: costs within about 19% are equally close), then by queue order, and added up to
 * {@code maxBatchSize} while the padded cost (largest cost × batch size) stays within {@code maxBatchCost} when one
 * is set (an anchor above it runs alone). A request retried after its worker died runs alone.
 *
 * <p><b>How many of them.</b> In {@link BatchingMode#ADAPTIVE} the {@link CostModel} picks how many of the ranked
 * candidates to take (see {@link #choose}): the size with the most work — the summed cost of the requests it
 * answers within their deadline or {@code latencyTarget} — per unit of predicted handler time, keeping the anchor
 * within its deadline when it can be. While a size class up to the candidates' count is unknown it is explored with
 * live traffic (a queue is needed for that, so a lone request never waits), and every {@value #REEXPLORE_EVERY}th
 * choice tries a neighbouring class so the model stays current (less often, down to every
 * {@value #REEXPLORE_MAX}th, while the neighbours tried are predicted far worse). Without a model opinion it takes
 * them all, as it always did.
 * Finally, with {@code preferredBatchSizes}, the batch is cut to the largest preferred size it reaches.
 *
 * <p><b>Early drops.</b> With {@code latencyTarget} set (SLA mode), a request that carries a deadline and is
 * predicted to miss it even if started now, alone, is handed back as late with its predicted miss recorded, and
 * fails with {@code DeadlineExceededException}; a request without a deadline is never dropped.
 */
final class BatchSelector {
  /** Exploit choices between two re-explorations of a neighbouring size class predicted close to the best. */
  static final int REEXPLORE_EVERY = 64;
  /** The most exploit choices between two re-explorations, reached by a neighbour predicted far worse. */
  static final int REEXPLORE_MAX = 1024;
  /** A neighbour whose predicted score is within this fraction of the best's is close. */
  private static final double CLOSE = 0.2;
  /** Scores within this fraction of the best count as ties, won by the smaller batch (lower latency). */
  private static final double TIE = 1e-3;
  /** Weight of requests answered late: only breaks ties between sizes that answer none on time. */
  private static final double THROUGHPUT_WEIGHT = 1e-9;
  /** Margin of the deadline check, in residual spreads (Clipper's mean + 3σ). */
  private static final double SIGMAS = 3;
  /** Steps of cost distance per doubling of cost ({@link #distance}). */
  static final int STEPS_PER_OCTAVE = 4;
  private static final double LN_2 = Math.log(2);
  /** Above any priority level (at most 16) in {@link #byCloseness}'s sort keys; positions take their low 24 bits. */
  private static final int MAX_LEVEL = 0xFFFF;
  private static final long POSITION = 0xFF_FFFF;

  private final int maxBatchSize;
  private final long maxBatchCost;
  private final List<Integer> preferred;
  private final int window;
  private final boolean learned;
  private final long latencyTarget;
  private final CostModel model;
  // Guarded by the queue's lock.
  private long exploits; // exploit choices since the last re-exploration
  private int reexploreEvery = REEXPLORE_EVERY;
  private boolean exploreUp = true;

  BatchSelector(ModelConfig config, CostModel model) {
    this.maxBatchSize = config.maxBatchSize();
    this.maxBatchCost = config.maxBatchCost();
    this.preferred = config.preferredBatchSizes();
    this.window = Math.max(64, 4 * maxBatchSize);
    this.learned = config.batchingMode() == BatchingMode.ADAPTIVE;
    this.latencyTarget = config.latencyTarget().toNanos();
    this.model = model;
  }

  /**
   * Returns the chosen requests (anchor first), adding to {@code late} those found past their deadline or (SLA
   * mode) predicted to miss it, and to {@code stale} those already done (cancelled or expired) but still linked.
   * The caller unlinks all three lists: leaving a done request linked would let a worker spin on a queue that only
   * holds dead requests, holding the lock their own completion hook needs. {@code heads} and {@code tails} are each
   * priority level's oldest and newest request.
   */
  List<Request> select(Request[] heads, Request[] tails, long now, List<Request> late, List<Request> stale) {
    List<Request> candidates = new ArrayList<>();
    Request anchor = null;
    boolean uniform = true;
    int seen = 0;
    for (int level = heads.length - 1; level >= 0 && seen < window; level--) {
      for (Request r = heads[level]; r != null && seen < window; r = r.next) {
        if (r.isDone()) {
          stale.add(r);
          continue;
        }
        if (now - r.deadlineNanos >= 0 || predictedToMiss(r, now)) {
          late.add(r);
          continue;
        }
        seen++;
        if (anchor == null) {
          anchor = r;
        } else if (r.deaths == 0 && Objects.equals(r.key, anchor.key)) {
          candidates.add(r);
          uniform &= r.cost == anchor.cost;
        }
      }
    }
    if (anchor == null) {
      return List.of();
    }
    if (anchor.deaths > 0) {
      return new ArrayList<>(List.of(anchor)); // a retry after a crash runs alone, so a crasher cannot take mates down
    }
    List<Request> ranked = rank(anchor, candidates, uniform);
    if (congested(ranked, now)) {
      List<Request> fresh = freshest(tails, now);
      if (!fresh.isEmpty()) {
        ranked = fresh;
      }
    }
    int size = learned && ranked.size() > 1 ? choose(ranked, now) : ranked.size();
    return cutToPreferred(size == ranked.size() ? ranked : new ArrayList<>(ranked.subList(0, size)));
  }

  /**
   * SLA mode, overloaded: the oldest request carries a deadline, has spent more than half the latency target
   * waiting, and the batch the queue offers would answer it late. Serving it first would then cost the younger
   * requests their deadlines too (plain FIFO above capacity answers almost nothing on time), so the batch is taken
   * from the freshest requests instead, and the old ones expire at their deadlines. A request without a deadline is
   * never passed over this way: as the oldest it is served first, as always.
   */
  private boolean congested(List<Request> ranked, long now) {
    Request oldest = ranked.get(0);
    if (latencyTarget == 0 || !learned || oldest.deadlineNanos == Long.MAX_VALUE || ranked.size() < 2
        || !model.known(CostModel.sizeClass(ranked.size()))) {
      return false;
    }
    long slack = target(oldest) - now;
    if (slack >= latencyTarget / 2) {
      return false;
    }
    long largest = 0;
    for (Request r : ranked) {
      largest = Math.max(largest, r.cost);
    }
    int k = ranked.size();
    return model.predict(k, largest * k) + SIGMAS * model.sigma(k) > slack;
  }

  /**
   * The freshest requests, newest first from the highest level's tail, that are neither done nor late, sharing the
   * newest one's batch key, within the size and cost bounds (as {@link #rank} takes mates). Late and done requests
   * are left where they are: the scan from the head reports them.
   */
  private List<Request> freshest(Request[] tails, long now) {
    List<Request> batch = new ArrayList<>();
    long largest = 0;
    int seen = 0;
    for (int level = tails.length - 1; level >= 0 && seen < window && batch.size() < maxBatchSize; level--) {
      for (Request r = tails[level]; r != null && seen < window && batch.size() < maxBatchSize; r = r.prev) {
        seen++;
        if (r.isDone() || now - r.deadlineNanos >= 0 || predictedToMiss(r, now) || r.deaths > 0
            || (!batch.isEmpty() && !Objects.equals(r.key, batch.get(0).key))) {
          continue;
        }
        long padded = Math.max(largest, r.cost) * (batch.size() + 1);
        if (maxBatchCost > 0 && !batch.isEmpty() && padded > maxBatchCost) {
          continue;
        }
        batch.add(r);
        largest = Math.max(largest, r.cost);
        if (maxBatchCost > 0 && largest >= maxBatchCost) {
          return batch; // a request at the budget runs alone
        }
      }
    }
    return batch;
  }

  /** SLA mode: marks and reports a request with a deadline that even a batch of one started now would miss. */
  private boolean predictedToMiss(Request r, long now) {
    if (latencyTarget == 0 || r.deadlineNanos == Long.MAX_VALUE) {
      return false;
    }
    long fastest = (long) model.fastest(r.cost);
    long miss = now + fastest - r.deadlineNanos;
    if (fastest == 0 || miss <= 0) {
      return false;
    }
    r.predictedRunNanos = fastest;
    r.predictedMissNanos = miss;
    return true;
  }

  /**
   * How far apart two costs are, in steps of {@value #STEPS_PER_OCTAVE} per doubling: 0 within about 19% of each
   * other. Mates within a step of the anchor are equally close and go in queue order, so a request is not passed over
   * again and again by fresher ones of nearly its cost; measured on MiniLM's mixed sentences at 64 callers (three
   * runs each), p99 fell by about 15% for about 3% of throughput against ranking by exact distance.
   */
  static int distance(long a, long b) {
    return steps(a, log(b));
  }

  private static int steps(long cost, double anchorLog) {
    double octaves = Math.abs(log(cost) - anchorLog) / LN_2;
    return (int) (octaves * STEPS_PER_OCTAVE + 1e-9); // exact doublings must not round down
  }

  private static double log(long cost) {
    return Math.log(Math.max(1, cost));
  }

  /**
   * The candidates by priority (highest first), then {@link #distance} of their cost to the anchor's, then queue
   * order. This runs under the queue's lock, so each candidate's distance (a logarithm) is computed once into a
   * sort key — priority, distance and position packed into a long — rather than twice per comparison.
   */
  private static List<Request> byCloseness(Request anchor, List<Request> candidates) {
    long[] keys = new long[candidates.size()];
    double anchorLog = log(anchor.cost);
    for (int i = 0; i < keys.length; i++) {
      Request r = candidates.get(i);
      keys[i] = (long) (MAX_LEVEL - r.level) << 48 | (long) steps(r.cost, anchorLog) << 24 | i;
    }
    Arrays.sort(keys);
    List<Request> sorted = new ArrayList<>(keys.length);
    for (long key : keys) {
      sorted.add(candidates.get((int) (key & POSITION)));
    }
    return sorted;
  }

  /** The anchor then its possible mates, best first, within maxBatchSize and maxBatchCost. */
  private List<Request> rank(Request anchor, List<Request> candidates, boolean uniform) {
    List<Request> batch = new ArrayList<>(Math.min(maxBatchSize, candidates.size() + 1));
    batch.add(anchor);
    if (maxBatchCost > 0 && anchor.cost >= maxBatchCost) {
      return batch;
    }
    List<Request> mates = uniform ? candidates : byCloseness(anchor, candidates);
    long largest = anchor.cost;
    for (int i = 0; i < mates.size() && batch.size() < maxBatchSize; i++) {
      Request r = mates.get(i);
      if (maxBatchCost == 0 || Math.max(largest, r.cost) * (batch.size() + 1) <= maxBatchCost) {
        batch.add(r);
        largest = Math.max(largest, r.cost);
      }
    }
    return batch;
  }

  /**
   * How many of the {@code ranked} requests to run: explore an unknown size class, now and then a neighbour of the
   * best one, otherwise the size that does the most on-time work (summed request cost) per predicted nanosecond.
   */
  private int choose(List<Request> ranked, long now) {
    int most = ranked.size();
    int top = CostModel.sizeClass(most);
    for (int c = top; c >= 0; c--) {
      if (!model.known(c)) {
        return Math.min(most, CostModel.largest(c));
      }
    }
    double[] score = new double[most + 1];
    int best = exploit(ranked, now, score);
    if (++exploits < reexploreEvery) {
      return best;
    }
    exploits = 0;
    int c = CostModel.sizeClass(best);
    boolean up = (exploreUp && c < top) || c == 0; // c == 0 < top: at least two are ranked
    exploreUp = !exploreUp;
    int neighbour = up ? Math.min(most, CostModel.largest(c + 1)) : CostModel.largest(c - 1);
    // A neighbour predicted far worse costs every exploration it gets (on a CPU-like curve a batch of 3 can cost
    // 1.5x per item), so it is tried half as often each time, down to every REEXPLORE_MAX-th choice; one predicted
    // close to the best could overtake it, so it is tried every REEXPLORE_EVERY-th.
    reexploreEvery = score[neighbour] < (1 - CLOSE) * score[best] ? Math.min(REEXPLORE_MAX, 2 * reexploreEvery)
        : REEXPLORE_EVERY;
    return neighbour;
  }

  /**
   * The best size by predicted on-time work per unit of handler time, the anchor kept on time when it can be;
   * {@code score[k]} gets each size's score (0 where a batch that big would make the anchor late).
   */
  private int exploit(List<Request> ranked, long now, double[] score) {
    int most = ranked.size();
    boolean targets = false;
    for (Request r : ranked) {
      targets |= target(r) != Long.MAX_VALUE;
    }
    long anchorTarget = target(ranked.get(0));
    boolean anchorCanMake = true;
    long largest = 0;
    double bestScore = 0;
    for (int k = 1; k <= most; k++) {
      largest = Math.max(largest, ranked.get(k - 1).cost);
      double t = model.predict(k, largest * k);
      long done = now + (long) (t + SIGMAS * model.sigma(k));
      boolean anchorOnTime = onTime(anchorTarget, done);
      if (k == 1) {
        anchorCanMake = anchorOnTime;
      } else if (anchorCanMake && !anchorOnTime) {
        continue; // a batch this big would make the oldest request late
      }
      double good = targets ? onTimeWork(ranked, k, done) : work(ranked, k);
      score[k] = (good + THROUGHPUT_WEIGHT * k) / t; // with nothing on time, still the fastest way through
      bestScore = Math.max(bestScore, score[k]);
    }
    for (int k = 1; k <= most; k++) {
      if (score[k] > 0 && score[k] >= bestScore * (1 - TIE)) {
        return k;
      }
    }
    return 1;
  }

  /** The work of the first {@code k} ranked requests whose target is not before {@code done}. */
  private double onTimeWork(List<Request> ranked, int k, long done) {
    double good = 0;
    for (int i = 0; i < k; i++) {
      if (onTime(target(ranked.get(i)), done)) {
        good += work(ranked.get(i));
      }
    }
    return good;
  }

  /** The work of the first {@code k} ranked requests. */
  private static double work(List<Request> ranked, int k) {
    double sum = 0;
    for (int i = 0; i < k; i++) {
      sum += work(ranked.get(i));
    }
    return sum;
  }

  /**
   * What a request is worth to a batch: its own cost (at least 1), not its slot. Counting slots would let a long
   * anchor take short mates padded to its length (the batch answers more requests per second, but the short ones
   * would have cost far less in a batch of their own); counting cost makes a batch worth what it would cost unpadded,
   * so mates stop where padding starts to waste more than batching saves, as a hand-set {@code maxBatchCost} does.
   * With every cost 1 it is the request count.
   */
  private static double work(Request r) {
    return Math.max(1, r.cost);
  }

  private static boolean onTime(long target, long done) {
    return target == Long.MAX_VALUE || target - done >= 0;
  }

  /** When the request should be answered: its deadline, in SLA mode no later than arrival + latencyTarget. */
  private long target(Request r) {
    if (latencyTarget == 0) {
      return r.deadlineNanos;
    }
    long sla = r.arrivalNanos + latencyTarget;
    return r.deadlineNanos == Long.MAX_VALUE || sla - r.deadlineNanos < 0 ? sla : r.deadlineNanos;
  }

  private List<Request> cutToPreferred(List<Request> batch) {
    if (preferred.isEmpty() || batch.size() <= 1) {
      return batch;
    }
    int best = 0;
    for (int p : preferred) {
      if (p <= batch.size()) {
        best = p;
      }
    }
    return best == 0 ? batch : new ArrayList<>(batch.subList(0, best));
  }
}
