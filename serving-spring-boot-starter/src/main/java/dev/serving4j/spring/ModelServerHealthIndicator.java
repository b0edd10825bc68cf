package dev.serving4j.spring;

import dev.serving4j.ModelDescription;
import dev.serving4j.ModelServer;
import dev.serving4j.WorkerState;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Actuator health of a {@link ModelServer}, from {@link ModelServer#describe}: per model and version, the ready
 * workers (idle or busy), all workers, the queue depth and the requests in flight.
 *
 * <p>UP when every loaded version has a ready worker; DOWN when one has none (all starting, backing off after a
 * crash, or stopped). A version the multiplexer has unloaded is not DOWN: a call loads it again.
 */
public class ModelServerHealthIndicator implements HealthIndicator {
  private final ModelServer server;

  /**
   * Creates the indicator.
   *
   * @param server the server to describe
   */
  public ModelServerHealthIndicator(ModelServer server) {
    this.server = server;
  }

  @Override
  public Health health() {
    boolean up = true;
    Map<String, Object> models = new LinkedHashMap<>();
    for (String name : server.models()) {
      ModelDescription model = server.describe(name);
      Map<String, Object> versions = new LinkedHashMap<>();
      for (ModelDescription.Version v : model.versions()) {
        long ready = v.workers().stream()
            .filter(w -> w.state() == WorkerState.IDLE || w.state() == WorkerState.BUSY).count();
        up &= !v.loaded() || ready > 0;
        versions.put(v.version(), Map.of("readyWorkers", ready, "workers", v.workers().size(),
            "queueDepth", v.queueDepth(), "inFlight", v.inFlight(), "loaded", v.loaded()));
      }
      models.put(name, Map.of("defaultVersion", model.defaultVersion(), "versions", versions));
    }
    return (up ? Health.up() : Health.down()).withDetail("models", models).build();
  }
}
