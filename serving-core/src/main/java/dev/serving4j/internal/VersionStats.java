package dev.serving4j.internal;

import dev.serving4j.ModelDescription;
import java.util.concurrent.atomic.LongAdder;

/** Request and batch counters of one model version; contention-free on the hot path. */
final class VersionStats {
  final LongAdder accepted = new LongAdder();
  final LongAdder succeeded = new LongAdder();
  final LongAdder failed = new LongAdder();
  final LongAdder rejected = new LongAdder();
  final LongAdder expired = new LongAdder();
  final LongAdder cancelled = new LongAdder();
  final LongAdder batches = new LongAdder();
  final LongAdder batchedRequests = new LongAdder();
  final LongAdder cacheHits = new LongAdder();
  final LongAdder cacheMisses = new LongAdder();

  ModelDescription.Counts snapshot() {
    return new ModelDescription.Counts(accepted.sum(), succeeded.sum(), failed.sum(), rejected.sum(),
        expired.sum(), cancelled.sum(), batches.sum(), batchedRequests.sum(), cacheHits.sum(), cacheMisses.sum());
  }
}
