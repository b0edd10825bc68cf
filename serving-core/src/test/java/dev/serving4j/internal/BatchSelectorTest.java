package dev.serving4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serving4j.BatchingMode;
import dev.serving4j.ModelConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * The batch choice from a taught cost model, on hand-built queues: time is a plain number, the model is fed exact
 * batch times, so every choice is deterministic.
 */
class BatchSelectorTest {
  static final long MS = 1_000_000;
  static final long NOW = 1_000_000 * MS;
  static final long NONE = Long.MAX_VALUE;
  final CostModel model = new CostModel();
  final List<Request> late = new ArrayList<>();
  final List<Request> stale = new ArrayList<>();

  /** Teaches the model every size 1..max (three times each, cost 1 per request) with time {@code t(n)} in ms. */
  private void teach(int max, IntToDoubleFunction t) {
    for (int round = 0; round < 3; round++) {
      for (int n = 1; n <= max; n++) {
        model.record(n, n, (long) (t.applyAsDouble(n) * MS));
      }
    }
  }

  /** Teaches sizes 1..8 of requests costing 10 and 50, three times each, timed {@code fixed + perCost × padded} ms. */
  private void teachPadded(double fixedMs, double perCostMs) {
    for (long cost : new long[] {10, 50}) {
      for (int n = 1; n <= 8; n++) {
        for (int i = 0; i < 3; i++) {
          model.record(n, cost * n, (long) ((fixedMs + perCostMs * cost * n) * MS));
        }
      }
    }
  }

  private static Request request(long cost, long deadline) {
    return new Request(0, RequestTrace.NONE, "in", "in", new CompletableFuture<>(), NOW, deadline, 0, cost, null);
  }

  /** One priority level holding {@code requests} in order. */
  private static Request[] queue(List<Request> requests) {
    Request previous = null;
    for (Request r : requests) {
      r.prev = previous;
      if (previous != null) {
        previous.next = r;
      }
      previous = r;
    }
    return new Request[] {requests.isEmpty() ? null : requests.get(0)};
  }

  private static List<Request> uniform(int count) {
    List<Request> rs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      rs.add(request(1, NONE));
    }
    return rs;
  }

  private List<Request> select(ModelConfig config, List<Request> queued) {
    Request[] tails = {queued.isEmpty() ? null : queued.get(queued.size() - 1)};
    return new BatchSelector(config, model).select(queue(queued), tails, NOW, late, stale);
  }

  private static ModelConfig config(int maxBatchSize) {
    return ModelConfig.builder().maxBatchSize(maxBatchSize).build();
  }

  @Test
  void withoutSamplesEverythingThatFitsIsTaken() {
    assertEquals(8, select(config(8), uniform(12)).size());
  }

  @Test
  void aLoneRequestIsTakenAtOnceEvenBeforeAnythingIsKnown() {
    assertEquals(1, select(config(8), uniform(1)).size());
  }

  @Test
  void aGpuLikeCostFillsBatches() {
    teach(8, n -> 8 + 0.5 * n);
    assertEquals(8, select(config(8), uniform(12)).size());
    assertEquals(5, select(config(8), uniform(5)).size(), "no waiting to fill: five queued, five taken");
  }

  @Test
  void aCpuLikeCostWhosePerItemTimeRisesWithBatchSizeRunsBatchesOfOne() {
    teach(8, n -> n * 2.0 * (1 + 0.05 * (n - 1)));
    assertEquals(1, select(config(8), uniform(12)).size());
  }

  @Test
  void aPaddingSensitiveCostGroupsSimilarLengths() {
    teachPadded(0.5, 0.05);
    List<Request> queued = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      queued.add(request(i % 2 == 0 ? 10 : 50, NONE));
    }
    List<Request> batch = select(config(8), queued);
    assertEquals(4, batch.size(), "the four tens, not a ten padded to fifty");
    assertTrue(batch.stream().allMatch(r -> r.cost == 10));
  }

  @Test
  void aLongAnchorDoesNotTakeShortMatesPaddedToItsLength() {
    teachPadded(1, 0.1);
    List<Request> queued = new ArrayList<>(List.of(request(50, NONE)));
    for (int i = 0; i < 7; i++) {
      queued.add(request(10, NONE));
    }
    // Eight padded to 50 take 41 ms, 8 requests: more requests per ms than the 50 alone (6 ms), but the seven tens
    // would take 8 ms in a batch of their own, so the padded batch wastes 27 ms.
    List<Request> batch = select(config(8), queued);
    assertEquals(1, batch.size(), "the fifty alone, the tens left to batch together");
    List<Request> tens = select(config(8), queued.subList(1, 8));
    assertEquals(7, tens.size());
  }

  @Test
  void aMateOfNearlyTheAnchorsCostIsNotPassedOverByAFresherExactMatch() {
    Request anchor = request(100, NONE);
    Request older = request(110, NONE); // within a quarter octave: as close as an exact match
    Request fresher = request(100, NONE);
    Request far = request(150, NONE);
    List<Request> batch = select(config(2), List.of(anchor, far, older, fresher));
    assertEquals(List.of(anchor, older), batch);
    assertEquals(0, BatchSelector.distance(100, 118));
    assertEquals(1, BatchSelector.distance(100, 120));
    assertEquals(4, BatchSelector.distance(10, 20));
  }

  @Test
  void maxBatchCostStaysAnUpperBound() {
    teach(8, n -> 8 + 0.5 * n);
    List<Request> batch = select(ModelConfig.builder().maxBatchSize(8).maxBatchCost(5).build(), uniform(12));
    assertEquals(5, batch.size());
  }

  @Test
  void anUnknownSmallerSizeClassIsExploredWithTheQueueBeforeExploiting() {
    for (int round = 0; round < 3; round++) {
      model.record(1, 1, 9 * MS);
      model.record(8, 8, 12 * MS);
    }
    assertEquals(7, select(config(8), uniform(12)).size(), "sizes 4-7 are tried at their largest");
  }

  @Test
  void everySixtyFourthChoiceTriesANeighbouringSize() {
    teach(8, n -> 8 + 0.5 * n);
    BatchSelector selector = new BatchSelector(config(8), model);
    List<Integer> sizes = new ArrayList<>();
    for (int i = 0; i < BatchSelector.REEXPLORE_EVERY; i++) {
      List<Request> queued = uniform(12);
      sizes.add(selector.select(queue(queued), new Request[] {queued.get(11)}, NOW, late, stale).size());
    }
    assertEquals(List.of(8, 7), sizes.subList(BatchSelector.REEXPLORE_EVERY - 2, BatchSelector.REEXPLORE_EVERY));
  }

  @Test
  void aNeighbourPredictedFarWorseIsTriedHalfAsOftenEachTime() {
    teach(8, n -> n * (10 + 5.0 * (n - 1))); // per item 10 ms alone, 15 ms in a pair, 20 ms in a batch of 3
    BatchSelector selector = new BatchSelector(config(8), model);
    List<Integer> explored = new ArrayList<>();
    for (int i = 1; i <= 64 + 128 + 256 + 512 + 1024 + 1024; i++) {
      List<Request> queued = uniform(12);
      if (selector.select(queue(queued), new Request[] {queued.get(11)}, NOW, late, stale).size() > 1) {
        explored.add(i);
      }
    }
    assertEquals(List.of(64, 64 + 128, 64 + 128 + 256, 64 + 128 + 256 + 512, 64 + 128 + 256 + 512 + 1024,
        64 + 128 + 256 + 512 + 1024 + 1024), explored, "then every 1,024th");
  }

  @Test
  void theOldestRequestIsKeptWithinItsDeadline() {
    teach(8, n -> 2 + 1.0 * n);
    List<Request> queued = uniform(12);
    queued.set(0, request(1, NOW + 7 * MS));
    assertEquals(5, select(config(8), queued).size(), "a batch of five takes 7 ms; six would make it late");
  }

  @Test
  void fixedDelayModeKeepsItsFullBatches() {
    teach(8, n -> n * 2.0 * (1 + 0.05 * (n - 1)));
    ModelConfig fixed = ModelConfig.builder().maxBatchSize(8).batchingMode(BatchingMode.FIXED_DELAY).build();
    assertEquals(8, select(fixed, uniform(12)).size());
  }

  @Test
  void slaModeDropsARequestWithADeadlineItIsPredictedToMiss() {
    teach(8, n -> 10.0 * n);
    ModelConfig sla = ModelConfig.builder().maxBatchSize(8).latencyTarget(Duration.ofMillis(50)).build();
    Request doomed = request(1, NOW + 4 * MS);
    Request noDeadline = request(1, NONE);
    List<Request> batch = select(sla, List.of(doomed, noDeadline));
    assertEquals(List.of(noDeadline), batch);
    assertEquals(List.of(doomed), late);
    assertEquals(6 * MS, doomed.predictedMissNanos, 0.01 * MS);
    assertEquals(10 * MS, doomed.predictedRunNanos, 0.01 * MS);
  }

  @Test
  void slaModeNeverDropsARequestWithoutADeadlineEvenWhenItIsAlreadyLate() {
    teach(8, n -> 10.0 * n);
    ModelConfig sla = ModelConfig.builder().maxBatchSize(8).latencyTarget(Duration.ofMillis(5)).build();
    assertEquals(1, select(sla, uniform(1)).size());
    assertEquals(List.of(), late);
  }

  @Test
  void withoutSlaModeNothingIsDroppedBeforeItsDeadline() {
    teach(8, n -> 10.0 * n);
    assertEquals(1, select(config(8), List.of(request(1, NOW + 4 * MS))).size());
    assertEquals(List.of(), late);
  }

  @Test
  void slaModeSizesTheBatchForAnswersWithinTheTarget() {
    teach(8, n -> 8 + 0.5 * n);
    ModelConfig sla = ModelConfig.builder().maxBatchSize(8).latencyTarget(Duration.ofMillis(10)).build();
    // 8 + 0.5·k ≤ 10 holds up to k = 4: a bigger batch answers more requests, all of them late.
    assertEquals(4, select(sla, uniform(12)).size());
  }

  /** A request that arrived {@code agoMs} before now with a deadline {@code timeoutMs} after its arrival. */
  private static Request arrived(long agoMs, long timeoutMs) {
    long arrival = NOW - agoMs * MS;
    return new Request(0, RequestTrace.NONE, "in", "in", new CompletableFuture<>(), arrival,
        timeoutMs == 0 ? NONE : arrival + timeoutMs * MS, 0, 1, null);
  }

  /** 16 requests 38 ms old (12 ms left of 50), then 16 fresh ones, on a GPU-like curve: 16 ms for a batch of 16. */
  private List<Request> overloaded(long oldTimeoutMs) {
    teach(16, n -> 8 + 0.5 * n);
    List<Request> queued = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      queued.add(arrived(38, oldTimeoutMs));
    }
    for (int i = 0; i < 16; i++) {
      queued.add(arrived(0, 50));
    }
    return queued;
  }

  @Test
  void overloadedSlaModeServesTheFreshestRequestsAndLeavesTheOldOnesToTheirDeadlines() {
    List<Request> queued = overloaded(50);
    ModelConfig sla = ModelConfig.builder().maxBatchSize(16).latencyTarget(Duration.ofMillis(50)).build();
    List<Request> batch = select(sla, queued);
    // Oldest first would run a batch of 6 old ones (8 + 0.5·6 = 11 ms fits their 12 ms) and leave the fresh ones
    // to age; the freshest 16 all finish in 16 ms, well within their 50.
    assertEquals(16, batch.size());
    assertEquals(new java.util.HashSet<>(queued.subList(16, 32)), new java.util.HashSet<>(batch));
    assertEquals(List.of(), late, "the old ones are not dropped: they may still expire, or be served");
  }

  @Test
  void withoutSlaModeTheOldestIsServedFirstEvenWhenOverloaded() {
    List<Request> queued = overloaded(50);
    List<Request> batch = select(config(16), queued);
    assertTrue(batch.contains(queued.get(0)), "the oldest anchors the batch");
  }

  @Test
  void anOldestRequestWithoutADeadlineIsNeverPassedOverForFresherOnes() {
    List<Request> queued = overloaded(0); // the old ones carry no deadline (their target is still the SLA)
    ModelConfig sla = ModelConfig.builder().maxBatchSize(16).latencyTarget(Duration.ofMillis(50)).build();
    List<Request> batch = select(sla, queued);
    assertEquals(queued.get(0), batch.get(0), "the oldest anchors the batch");
  }
}
