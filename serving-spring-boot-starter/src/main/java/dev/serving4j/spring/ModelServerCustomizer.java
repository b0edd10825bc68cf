package dev.serving4j.spring;

import dev.serving4j.ModelServer;

/**
 * Adjusts the auto-configured {@link ModelServer.Builder} before the server is built: register handler aliases, set
 * a ticker, multiplexing... Every bean of this type is applied, in {@code @Order}.
 */
@FunctionalInterface
public interface ModelServerCustomizer {
  /**
   * Customizes the builder.
   *
   * @param builder the builder, with the {@code serving4j.*} properties, meter registry and listeners already set
   */
  void customize(ModelServer.Builder builder);
}
