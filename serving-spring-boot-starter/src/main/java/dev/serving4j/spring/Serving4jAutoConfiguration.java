package dev.serving4j.spring;

import dev.serving4j.ModelServer;
import dev.serving4j.ServingEventListener;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configures a {@link ModelServer} from the {@code serving4j.*} properties ({@link Serving4jProperties}) and
 * registers each {@code serving4j.models.<name>} at startup; a bad property fails startup naming it.
 *
 * <p>The server publishes its meters to the application's {@link MeterRegistry} (the one Boot's metrics
 * auto-configuration makes, when there is one), calls every {@link ServingEventListener} bean, and is closed (drained:
 * accepted requests finish, up to {@code serving4j.drain-timeout}) when the context shuts down, after the web server
 * has stopped taking requests. A {@link ModelServer} bean of the application's own replaces this one (and then
 * no {@code serving4j.models} are registered); {@link Serving4jHealthAutoConfiguration} reports on either. Micrometer's {@code ObservationRegistry} is not bound yet: serving4j has no observation
 * hook (issue 18, request tracing); the starter will pass it on once {@code ModelServer.Builder} takes one.
 */
@AutoConfiguration(afterName = {
    "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration"})
@ConditionalOnClass(ModelServer.class)
@EnableConfigurationProperties(Serving4jProperties.class)
public class Serving4jAutoConfiguration {
  /** Created by Spring. */
  public Serving4jAutoConfiguration() {}

  /**
   * The server, with the properties' models registered.
   *
   * @param properties the {@code serving4j.*} properties
   * @param meterRegistry the application's meter registry, if it has a single (or primary) one
   * @param listeners event listener beans, in order
   * @param customizers builder customizers, in order
   * @return the started server; Spring closes it at shutdown
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public ModelServer modelServer(Serving4jProperties properties, ObjectProvider<MeterRegistry> meterRegistry,
      ObjectProvider<ServingEventListener> listeners, ObjectProvider<ModelServerCustomizer> customizers) {
    ModelServer.Builder builder = ModelServer.builder().percentileHistograms(properties.isPercentileHistograms());
    if (properties.getDrainTimeout() != null) {
      builder.drainTimeout(properties.getDrainTimeout());
    }
    if (properties.getStartupTimeout() != null) {
      builder.startupTimeout(properties.getStartupTimeout());
    }
    meterRegistry.ifUnique(builder::meterRegistry);
    listeners.orderedStream().forEach(builder::listener);
    customizers.orderedStream().forEach(c -> c.customize(builder));
    ModelServer server = builder.build();
    try {
      PropertyModels.registerAll(server, properties.getModels());
      return server;
    } catch (RuntimeException e) {
      server.close(); // Spring does not destroy a bean whose factory method threw
      throw e;
    }
  }
}
