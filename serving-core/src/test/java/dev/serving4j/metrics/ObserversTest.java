package dev.serving4j.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serving4j.HandlerMetrics;
import dev.serving4j.ServingEventListener;
import dev.serving4j.WorkerState;
import dev.serving4j.internal.ServerEvents;
import dev.serving4j.internal.VersionEvents;
import dev.serving4j.internal.VersionView;
import dev.serving4j.internal.metrics.ServerObservers;
import dev.serving4j.internal.metrics.VersionObservers;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The observability wiring on its own: when it is off, handler custom metrics, and meter removal. */
class ObserversTest {
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  /** A version that is always idle, for wiring tests that need no server. */
  record FixedView(String modelName, String modelVersion) implements VersionView {
    @Override
    public int queueDepth() {
      return 0;
    }

    @Override
    public int inFlight() {
      return 0;
    }

    @Override
    public Map<WorkerState, Integer> workersByState() {
      return Map.of(WorkerState.IDLE, 1);
    }
  }

  @Test
  void noRegistryAndNoListenerMeansTheNoOpEvents() {
    ServerEvents events = ServerObservers.create(null, List.of(), true);
    assertSame(ServerEvents.NONE, events);
    assertSame(VersionEvents.NONE, events.forVersion(new FixedView("m", "1")));
  }

  @Test
  void aListenerAloneCreatesNoMeters() {
    ServerEvents events = ServerObservers.create(null, List.of(new ServingEventListener() {}), false);
    assertNotSame(ServerEvents.NONE, events);
    VersionObservers v = (VersionObservers) events.forVersion(new FixedView("m", "1"));
    assertSame(HandlerMetrics.NOOP, v.handlerMetrics());
  }

  @Test
  void handlerMetricsCarryTheModelsTagsAndLeaveWithTheVersion() {
    VersionObservers v = versionOf(ServerObservers.create(registry, List.of(), false), "m");
    Counter tokens = v.handlerMetrics().counter("tokens", "field", "input");
    tokens.increment(3);
    AtomicLong cacheSize = new AtomicLong(7);
    v.handlerMetrics().gauge("cache.size", cacheSize, AtomicLong::doubleValue);
    Counter found = registry.get("serving4j.custom.tokens").tags("model", "m", "version", "1", "field", "input")
        .counter();
    assertEquals(3, found.count());
    assertEquals(7, registry.get("serving4j.custom.cache.size").tags("model", "m").gauge().value());
    assertSame(tokens, v.handlerMetrics().counter("tokens", "field", "input"), "workers share one meter");
    v.closed();
    assertNull(registry.find("serving4j.custom.tokens").counter());
    assertNull(registry.find("serving4j.custom.cache.size").gauge());
    assertNull(registry.find("serving4j.requests").counter());
  }

  @Test
  void handlerMetricsRejectReservedOrUnpairedTags() {
    HandlerMetrics real = versionOf(ServerObservers.create(registry, List.of(), false), "m").handlerMetrics();
    for (HandlerMetrics metrics : List.of(real, HandlerMetrics.NOOP)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> metrics.counter("x", "model", "other"));
      assertTrue(e.getMessage().contains("reserved"), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> metrics.timer("x", "odd"));
      assertThrows(IllegalArgumentException.class, () -> metrics.summary(" "));
    }
  }

  @Test
  void noOpHandlerMetricsRecordNothing() {
    Counter c = HandlerMetrics.NOOP.counter("tokens");
    c.increment();
    assertEquals(0, c.count());
    assertEquals("serving4j.custom.tokens", c.getId().getName());
  }

  @Test
  void closingADuplicateVersionKeepsTheLiveVersionsMeters() {
    ServerEvents events = ServerObservers.create(registry, List.of(), false);
    VersionObservers live = versionOf(events, "m");
    VersionObservers duplicate = versionOf(events, "m");
    live.handlerMetrics().counter("tokens");
    duplicate.handlerMetrics().counter("tokens");
    duplicate.closed();
    assertNotNull(registry.find("serving4j.requests").tags("model", "m", "outcome", "success").counter());
    assertNotNull(registry.find("serving4j.custom.tokens").counter());
    live.closed();
    assertTrue(registry.getMeters().isEmpty(), registry.getMeters().toString());
  }

  @Test
  void metersRegisteredAfterCloseLeaveAtOnce() {
    VersionObservers v = versionOf(ServerObservers.create(registry, List.of(), false), "m");
    v.closed();
    v.handlerMetrics().counter("late");
    v.workerRestarting(0, dev.serving4j.Device.CPU, new IllegalStateException("late crash"));
    assertTrue(registry.getMeters().isEmpty(), registry.getMeters().toString());
  }

  private static VersionObservers versionOf(ServerEvents events, String model) {
    return (VersionObservers) events.forVersion(new FixedView(model, "1"));
  }
}
