package dev.serving4j.spi;

import java.time.Duration;
import java.util.Map;

/**
 * What an engine is told about the model version it serves.
 *
 * @param modelName the model's name
 * @param modelVersion the model's version
 * @param options engine options from the manifest and config (the engine rejects unknown keys); a
 *     {@linkplain EngineProvider#pathOptions() path option} the archive gave arrives resolved to an absolute path
 *     inside the archive's directory
 * @param inferenceTimeout the longest one run may take before the engine should abort it
 */
public record EngineSpec(String modelName, String modelVersion, Map<String, String> options,
    Duration inferenceTimeout) {
  /** Copies the options. */
  public EngineSpec {
    options = Map.copyOf(options);
  }
}
