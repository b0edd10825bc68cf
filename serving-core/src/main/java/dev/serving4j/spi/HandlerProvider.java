package dev.serving4j.spi;

import dev.serving4j.Handler;

/**
 * Service-provider interface for built-in handlers found with {@link java.util.ServiceLoader}: a manifest's
 * {@code handler} field may name an {@link #alias()} instead of a class.
 */
public interface HandlerProvider {

  /** The short name manifests use, such as {@code embedding}. */
  String alias();

  /** Creates a new, uninitialized handler instance (one per worker). */
  Handler<?, ?> create();
}
