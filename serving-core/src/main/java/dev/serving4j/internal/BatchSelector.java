package dev.serving4j.internal;

import dev.serving4j.ModelConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Chooses the next batch from the queued requests. Pure: it reads the per-level lists and returns its choice; the
 * queue unlinks it. Called under the queue's lock, so it looks at a bounded window of requests.
 *
 * <p>The rule: the <em>anchor</em> is the oldest request of the highest non-empty priority level; it is always in
 * the batch, so no request is starved by its bucket or its cost. Batch-mates must have the anchor's batch key.
 * Without a cost budget they are taken in priority-then-FIFO order up to {@code maxBatchSize}. With a budget
 * ({@code maxBatchCost}), mates are preferred by priority, then by how close their cost is to the anchor's, and
 * added while the padded cost (largest cost × batch size) stays within the budget; an anchor above the budget runs
 * alone. Finally, with {@code preferredBatchSizes}, the batch is cut to the largest preferred size it reaches —
 * never padded by waiting. A request retried after its worker died runs alone.
 */
final class BatchSelector {
  private final int maxBatchSize;
  private final long maxBatchCost;
  private final List<Integer> preferred;
  private final int window;

  BatchSelector(ModelConfig config) {
    this.maxBatchSize = config.maxBatchSize();
    this.maxBatchCost = config.maxBatchCost();
    this.preferred = config.preferredBatchSizes();
    this.window = Math.max(64, 4 * maxBatchSize);
  }

  /**
   * Returns the chosen requests (anchor first), adding to {@code late} those found past their deadline and to
   * {@code stale} those already done (cancelled or expired) but still linked. The caller unlinks all three lists:
   * leaving a done request linked would let a worker spin on a queue that only holds dead requests, holding the
   * lock their own completion hook needs.
   */
  List<Request> select(Request[] heads, long now, List<Request> late, List<Request> stale) {
    List<Request> candidates = new ArrayList<>();
    Request anchor = null;
    int seen = 0;
    for (int level = heads.length - 1; level >= 0 && seen < window; level--) {
      for (Request r = heads[level]; r != null && seen < window; r = r.next) {
        if (r.isDone()) {
          stale.add(r);
          continue;
        }
        if (now - r.deadlineNanos >= 0) {
          late.add(r);
          continue;
        }
        seen++;
        if (anchor == null) {
          anchor = r;
        } else if (r.deaths == 0 && Objects.equals(r.key, anchor.key)) {
          candidates.add(r);
        }
      }
    }
    if (anchor == null) {
      return List.of();
    }
    if (anchor.deaths > 0) {
      return new ArrayList<>(List.of(anchor)); // a retry after a crash runs alone, so a crasher cannot take mates down
    }
    List<Request> batch = maxBatchCost > 0 ? withinBudget(anchor, candidates) : inOrder(anchor, candidates);
    return cutToPreferred(batch);
  }

  private List<Request> inOrder(Request anchor, List<Request> candidates) {
    List<Request> batch = new ArrayList<>(Math.min(maxBatchSize, candidates.size() + 1));
    batch.add(anchor);
    for (int i = 0; i < candidates.size() && batch.size() < maxBatchSize; i++) {
      batch.add(candidates.get(i));
    }
    return batch;
  }

  private List<Request> withinBudget(Request anchor, List<Request> candidates) {
    List<Request> batch = new ArrayList<>();
    batch.add(anchor);
    if (anchor.cost >= maxBatchCost) {
      return batch;
    }
    List<Request> byCloseness = new ArrayList<>(candidates);
    // Stable sort: priority first, then closeness of cost, then queue order.
    byCloseness.sort(Comparator.comparingInt((Request r) -> -r.level)
        .thenComparingLong(r -> Math.abs(r.cost - anchor.cost)));
    long largest = anchor.cost;
    for (Request r : byCloseness) {
      if (batch.size() >= maxBatchSize) {
        break;
      }
      long padded = Math.max(largest, r.cost) * (batch.size() + 1);
      if (padded <= maxBatchCost) {
        batch.add(r);
        largest = Math.max(largest, r.cost);
      }
    }
    return batch;
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
