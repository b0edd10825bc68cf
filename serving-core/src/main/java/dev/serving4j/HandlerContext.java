package dev.serving4j;

import dev.serving4j.spi.EngineModel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * What a {@link Handler} learns about where it runs, given to {@link Handler#initialize}: the model and version, the
 * unpacked archive, the handler properties (manifest values overridden by the model's config), the worker and its
 * device, and a way to load the model file through the manifest's engine.
 */
public interface HandlerContext {

  /** The model's name. */
  String modelName();

  /** The model's version. */
  String modelVersion();

  /** The archive's manifest. */
  Manifest manifest();

  /** The directory holding the archive's files (unpacked, verified). */
  Path modelDirectory();

  /** Handler properties: the manifest's {@code handlerProperties} overridden by the config's. */
  Map<String, String> properties();

  /** Returns a property, or {@code defaultValue} when absent. */
  default String property(String key, String defaultValue) {
    return properties().getOrDefault(key, defaultValue);
  }

  /**
   * Returns an integer property, or {@code defaultValue} when absent.
   *
   * @throws InvalidConfigException when the value is not an integer
   */
  default int intProperty(String key, int defaultValue) {
    String v = properties().get(key);
    if (v == null) {
      return defaultValue;
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new InvalidConfigException("handler property '" + key + "' of model " + modelName() + ":"
          + modelVersion() + " must be an integer, was '" + v + "'");
    }
  }

  /** This worker's id, unique within the model version; -1 for the instance that serves the per-request hooks. */
  int workerId();

  /**
   * True for the one instance serving4j initializes only to run the per-request hooks ({@link Handler#prepare},
   * {@code cost}, {@code batchKey}, {@code cacheKey}) on callers' threads; it never runs batches, so a handler
   * should skip loading its model there.
   */
  default boolean forScheduling() {
    return workerId() < 0;
  }

  /** The device this worker is bound to. */
  Device device();

  /** The model's inference timeout, for engines that can abort a run themselves. */
  Duration inferenceTimeout();

  /**
   * Loads the manifest's model file with the manifest's engine (found with {@code ServiceLoader}) on this worker's
   * device. Whether workers share one loaded model is the engine's decision. The model is closed with the worker
   * unless the handler closes it first.
   *
   * @throws ServingException when the manifest names no engine or model file, or the engine is not on the class path
   */
  EngineModel loadModel();

  /**
   * Custom metrics for this handler: meters named {@code serving4j.custom.<name>}, tagged with the model and
   * version, in the server's {@code MeterRegistry}; no-op meters when the server has none. See {@link HandlerMetrics}.
   */
  default HandlerMetrics metrics() {
    return HandlerMetrics.NOOP;
  }

  /** Like {@link #loadModel()}, cast to the engine's own model type. */
  default <M extends EngineModel> M loadModel(Class<M> type) {
    EngineModel model = loadModel();
    if (!type.isInstance(model)) {
      throw new ServingException("engine '" + manifest().engine() + "' returned " + model.getClass().getName()
          + ", not " + type.getName());
    }
    return type.cast(model);
  }
}
