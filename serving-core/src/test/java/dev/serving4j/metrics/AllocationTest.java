package dev.serving4j.metrics;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.serving4j.internal.RequestTrace;
import dev.serving4j.internal.ServerEvents;
import dev.serving4j.internal.VersionEvents;
import dev.serving4j.internal.metrics.ServerObservers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The per-request path of the metrics code allocates nothing: with nothing observing ({@code NONE}) and with a
 * registry but no listener (records are built only for listeners); without an observation registry every request
 * carries {@link RequestTrace#NONE}, whose calls are part of the measured path. Measured with the JVM's per-thread
 * allocation counter over many simulated requests; a handful of bytes of noise is allowed, one object per request
 * is not.
 */
class AllocationTest {
  static final int REQUESTS = 200_000;

  @Test
  void unobservedServerAllocatesNothingPerRequest() {
    assertNoAllocationPerRequest(ServerEvents.NONE.forVersion(new ObserversTest.FixedView("m", "1")));
  }

  @Test
  void meteredServerWithoutListenersAllocatesNothingPerRequest() {
    ServerEvents events = ServerObservers.create(new SimpleMeterRegistry(), List.of(), false);
    assertNoAllocationPerRequest(events.forVersion(new ObserversTest.FixedView("m", "1")));
  }

  private static void assertNoAllocationPerRequest(VersionEvents events) {
    com.sun.management.ThreadMXBean threads = threadBean();
    simulate(events, REQUESTS); // warm up: class loading and lazy meter state allocate once
    long before = threads.getCurrentThreadAllocatedBytes();
    simulate(events, REQUESTS);
    long bytes = threads.getCurrentThreadAllocatedBytes() - before;
    assertTrue(bytes < REQUESTS / 8, bytes + " bytes allocated for " + REQUESTS + " requests");
  }

  @Test
  void serverWithoutObservationRegistryTracesNothing() {
    ServerEvents events = ServerObservers.create(new SimpleMeterRegistry(), List.of(), false, null);
    VersionEvents version = events.forVersion(new ObserversTest.FixedView("m", "1"));
    assertSame(RequestTrace.NONE, version.traceRequest(1));
  }

  @Test
  void observationRegistryWithoutHandlersTracesNothing() {
    ServerEvents events = ServerObservers.create(null, List.of(), false, ObservationRegistry.create());
    VersionEvents version = events.forVersion(new ObserversTest.FixedView("m", "1"));
    assertSame(RequestTrace.NONE, version.traceRequest(1));
  }

  /** What the request path reports for one request answered by a batch of one, trace calls included. */
  private static void simulate(VersionEvents events, int n) {
    long t = System.nanoTime();
    for (int i = 1; i <= n; i++) {
      RequestTrace trace = events.traceRequest(i);
      events.accepted(i);
      events.batchStarted(0, i, 1, t);
      trace.batchStarted(i, 1);
      trace.batchFinished(null);
      events.completed(i, i, VersionEvents.Outcome.SUCCESS, t, t + 10, t + 100, null);
      trace.completed(VersionEvents.Outcome.SUCCESS, null);
      events.batchFinished(0, i, 1, 10, 20, 30, false);
    }
  }

  private static com.sun.management.ThreadMXBean threadBean() {
    assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean,
        "needs the JDK's per-thread allocation counter");
    com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    assumeTrue(bean.isThreadAllocatedMemorySupported() && bean.isThreadAllocatedMemoryEnabled());
    return bean;
  }
}
