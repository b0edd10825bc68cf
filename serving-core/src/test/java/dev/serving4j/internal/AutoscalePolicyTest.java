package dev.serving4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The scaling rule, with time as a plain number: no clock, no sleeps. */
class AutoscalePolicyTest {
  static final long MS = 1_000_000;
  // min 1, max 4, up after 100 ms of queue wait, down after 30 s idle, 1 s between decisions
  final AutoscalePolicy policy = new AutoscalePolicy(1, 4, 100 * MS, 30_000 * MS, 1_000 * MS);
  static final long NONE = Long.MAX_VALUE;

  @Test
  void growsWhenTheOldestRequestHasWaitedLongEnough() {
    long now = 10_000 * MS;
    assertEquals(+1, policy.decide(now, 1, now - 100 * MS, -1, 0));
    assertEquals(0, policy.decide(now, 1, now - 99 * MS, -1, 0), "a short wait is not pressure");
  }

  @Test
  void neverGrowsPastMaxNorShrinksBelowMin() {
    long now = 10_000 * MS;
    assertEquals(0, policy.decide(now, 4, now - 5_000 * MS, -1, 0));
    assertEquals(0, policy.decide(now, 1, NONE, 60_000 * MS, 0));
  }

  @Test
  void shrinksOnlyWhenTheQueueIsEmptyAndAWorkerIdledLongEnough() {
    long now = 100_000 * MS;
    assertEquals(-1, policy.decide(now, 3, NONE, 30_000 * MS, 0));
    assertEquals(0, policy.decide(now, 3, NONE, 29_999 * MS, 0), "hysteresis: not idle long enough");
    assertEquals(0, policy.decide(now, 3, now - 1 * MS, 60_000 * MS, 0), "work is queued");
  }

  @Test
  void theCooldownSpacesDecisions() {
    long now = 10_000 * MS;
    assertEquals(0, policy.decide(now, 1, now - 500 * MS, -1, now - 999 * MS));
    assertEquals(+1, policy.decide(now, 1, now - 500 * MS, -1, now - 1_000 * MS));
  }

  @Test
  void belowMinGrowsEvenInTheCooldown() {
    assertEquals(+1, policy.decide(5 * MS, 0, NONE, -1, 5 * MS));
  }
}
