package dev.serving4j.internal;

import dev.serving4j.ModelConfig;

/**
 * Decides, from queue pressure and idleness, whether a version's pool should grow or shrink by one worker. Pure:
 * every input is a number, including the time, so it is tested without a clock.
 *
 * <p>Up: the oldest queued request has waited {@code scaleUpWait} and the pool is below {@code maxWorkers}. Down:
 * the queue is empty and some worker has been idle {@code scaleDownIdle} while the pool is above
 * {@code minWorkers}. The two thresholds are far apart (hysteresis) and no decision follows another within
 * {@code scaleCooldown}, so a bursty load neither thrashes the pool nor starves it. Starting workers count as
 * live, so a slow initialize does not trigger a stampede.
 */
record AutoscalePolicy(int min, int max, long scaleUpWaitNanos, long scaleDownIdleNanos, long cooldownNanos) {

  static AutoscalePolicy of(ModelConfig c) {
    return new AutoscalePolicy(c.minWorkers(), c.maxWorkers(), c.scaleUpWait().toNanos(),
        c.scaleDownIdle().toNanos(), c.scaleCooldown().toNanos());
  }

  /**
   * Returns +1, -1 or 0.
   *
   * @param now the current time
   * @param live workers not asked to stop (starting ones included)
   * @param oldestQueuedArrival arrival of the oldest queued request, or {@link Long#MAX_VALUE} when the queue is empty
   * @param longestIdleNanos how long the longest-idle worker has been idle, or -1 when none is idle
   * @param lastChange when the pool last changed size
   */
  int decide(long now, int live, long oldestQueuedArrival, long longestIdleNanos, long lastChange) {
    if (live < min) {
      return +1;
    }
    if (now - lastChange < cooldownNanos) {
      return 0;
    }
    boolean queued = oldestQueuedArrival != Long.MAX_VALUE;
    if (queued && live < max && now - oldestQueuedArrival >= scaleUpWaitNanos) {
      return +1;
    }
    if (!queued && live > min && longestIdleNanos >= scaleDownIdleNanos) {
      return -1;
    }
    return 0;
  }
}
