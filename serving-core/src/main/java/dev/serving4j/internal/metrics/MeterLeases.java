package dev.serving4j.internal.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.Map;

/**
 * Counts how many versions of one server hold each meter, so a meter leaves the registry only when its last holder
 * closes. Micrometer returns the existing meter for an id that is already registered, so a version that fails
 * registration as a duplicate holds the live version's meters; closing it must not remove them.
 */
final class MeterLeases {
  private final MeterRegistry registry;
  private final Map<Meter.Id, Integer> holders = new HashMap<>();

  MeterLeases(MeterRegistry registry) {
    this.registry = registry;
  }

  MeterRegistry registry() {
    return registry;
  }

  synchronized void acquire(Meter meter) {
    holders.merge(meter.getId(), 1, Integer::sum);
  }

  synchronized void release(Meter meter) {
    Integer left = holders.merge(meter.getId(), -1, Integer::sum);
    if (left != null && left <= 0) {
      holders.remove(meter.getId());
      registry.remove(meter);
    }
  }
}
