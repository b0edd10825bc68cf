package dev.serving4j.spi;

/**
 * Service-provider interface for inference engines, found with {@link java.util.ServiceLoader}. A manifest's
 * {@code engine} field names the provider ({@code onnxruntime} for {@code serving-onnx}).
 */
public interface EngineProvider {

  /** The name manifests use to pick this engine. */
  String name();

  /**
   * Creates the engine for one model version. Called once at registration, before any worker starts; the engine is
   * closed when the version is unregistered.
   *
   * @throws dev.serving4j.InvalidConfigException when an option is unknown or invalid
   */
  Engine create(EngineSpec spec);
}
