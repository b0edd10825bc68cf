package dev.serving4j.spi;

import dev.serving4j.Device;

/** A model loaded by an {@link Engine} for one worker. Closing it releases the worker's share. Idempotent. */
public interface EngineModel extends AutoCloseable {

  /** The device the model runs on (which may differ from the one asked for after a documented fallback). */
  Device device();

  @Override
  void close();
}
