package dev.serving4j.spring;

import dev.serving4j.ModelServer;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Contributes {@link ModelServerHealthIndicator} as the {@code serving4j} health component when the application has
 * Boot's health support (Actuator) and a {@link ModelServer} bean, the starter's or its own. Switch it off with
 * {@code management.health.serving4j.enabled=false}.
 */
@AutoConfiguration(after = Serving4jAutoConfiguration.class)
@ConditionalOnClass({HealthIndicator.class, ModelServer.class})
@ConditionalOnBean(ModelServer.class)
@ConditionalOnEnabledHealthIndicator("serving4j")
public class Serving4jHealthAutoConfiguration {
  /** Created by Spring. */
  public Serving4jHealthAutoConfiguration() {}

  /**
   * The indicator.
   *
   * @param modelServer the server to report on
   * @return an indicator describing each model's versions
   */
  @Bean
  @ConditionalOnMissingBean(name = "serving4jHealthIndicator")
  public ModelServerHealthIndicator serving4jHealthIndicator(ModelServer modelServer) {
    return new ModelServerHealthIndicator(modelServer);
  }
}
