package dev.serving4j.spi;

import java.util.Set;

/**
 * Service-provider interface for inference engines, found with {@link java.util.ServiceLoader}. A manifest's
 * {@code engine} field names the provider ({@code onnxruntime} for {@code serving-onnx}).
 */
public interface EngineProvider {

  /** The name manifests use to pick this engine. */
  String name();

  /**
   * The option keys whose values are file-system paths the engine reads or writes, such as ONNX Runtime's
   * {@code optimizedModelPath}. serving4j confines such a value to the archive's own directory when it comes from
   * the archive's manifest ({@code config.engineOptions}): it must be a relative path inside the archive, not through
   * a symbolic link and not naming a file the archive holds, and the engine receives it resolved to an absolute path.
   * A value the application gave at registration (a config override that changes it) is passed on unchanged and may
   * point anywhere. An engine must list every path-valued key here, or an archive could make it touch any file the
   * process can. Default: none.
   */
  default Set<String> pathOptions() {
    return Set.of();
  }

  /**
   * Creates the engine for one model version. Called once at registration, before any worker starts; the engine is
   * closed when the version is unregistered.
   *
   * @throws dev.serving4j.InvalidConfigException when an option is unknown or invalid
   */
  Engine create(EngineSpec spec);
}
