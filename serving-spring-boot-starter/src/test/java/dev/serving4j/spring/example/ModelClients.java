package dev.serving4j.spring.example;

import dev.serving4j.ModelClient;
import dev.serving4j.ModelServer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** docs/spring-boot.md's example: one typed client bean per model, from the auto-configured server. */
@Configuration(proxyBeanMethods = false)
public class ModelClients {
  /** Created by Spring. */
  public ModelClients() {}

  /**
   * The {@code minilm} model's client; fails startup if the model is not registered or its types differ.
   *
   * @param server the auto-configured server
   * @return a client taking text and answering vectors
   */
  @Bean
  public ModelClient<String, float[]> minilm(ModelServer server) {
    return server.client("minilm", String.class, float[].class);
  }
}
