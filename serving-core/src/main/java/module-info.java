/**
 * serving4j's core: the public API ({@code dev.serving4j}), the engine/handler SPI ({@code dev.serving4j.spi}) and the
 * archiver command line ({@code dev.serving4j.tools}).
 * Everything under {@code dev.serving4j.internal} is implementation and is not exported.
 */
module dev.serving4j.core {
  requires com.fasterxml.jackson.databind;
  requires com.github.benmanes.caffeine;
  requires transitive micrometer.core;
  requires transitive micrometer.observation;
  requires org.slf4j;

  exports dev.serving4j;
  exports dev.serving4j.spi;
  exports dev.serving4j.tools;

  uses dev.serving4j.spi.EngineProvider;
  uses dev.serving4j.spi.HandlerProvider;
}
