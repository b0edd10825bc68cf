package dev.serving4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** How many cores a batch may use under the elastic layout ({@link WorkerPool#coresFor}). */
class ElasticCoresTest {

  @Test
  void aBatchThatRunsAloneGetsEveryCore() {
    assertEquals(2, WorkerPool.coresFor(2, 0, 2, 0));
    assertEquals(8, WorkerPool.coresFor(8, 0, 8, 0));
  }

  @Test
  void aBatchBesideAnotherRunningBatchGetsWhatIsLeft() {
    assertEquals(1, WorkerPool.coresFor(2, 1, 2, 0));
    assertEquals(6, WorkerPool.coresFor(8, 2, 8, 0));
  }

  @Test
  void queuedRequestsThatIdleWorkersWillTakeAreCountedAsRunning() {
    assertEquals(1, WorkerPool.coresFor(2, 0, 2, 5));
    assertEquals(6, WorkerPool.coresFor(8, 0, 8, 2));
  }

  @Test
  void aSingleWorkerKeepsEveryCoreEvenWithAQueueBecauseNoOneElseWouldTakeIt() {
    assertEquals(2, WorkerPool.coresFor(2, 0, 1, 40));
  }

  @Test
  void neverFewerThanOneCore() {
    assertEquals(1, WorkerPool.coresFor(2, 5, 8, 100));
  }
}
