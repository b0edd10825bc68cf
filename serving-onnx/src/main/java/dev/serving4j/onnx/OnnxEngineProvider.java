package dev.serving4j.onnx;

import dev.serving4j.spi.Engine;
import dev.serving4j.spi.EngineProvider;
import dev.serving4j.spi.EngineSpec;
import java.util.Set;

/**
 * The {@code onnxruntime} engine, found by {@link java.util.ServiceLoader}. Manifests name it with
 * {@code "engine": "onnxruntime"}; its options are listed in {@code docs/onnx.md}. Each worker's
 * {@code HandlerContext.loadModel(OnnxModel.class)} returns an {@link OnnxModel}.
 */
public final class OnnxEngineProvider implements EngineProvider {
  /** The engine name manifests use. */
  public static final String NAME = "onnxruntime";

  /** Creates the provider (called by {@code ServiceLoader}). */
  public OnnxEngineProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  /**
   * {@code optimizedModelPath}, the one option naming a file (ONNX Runtime writes the optimized graph there): from an
   * archive it must stay inside the archive's directory.
   */
  @Override
  public Set<String> pathOptions() {
    return Set.of("optimizedModelPath");
  }

  /**
   * Creates the engine for one model version. No session is opened until a worker loads the model.
   *
   * @throws dev.serving4j.InvalidConfigException when an option is unknown or invalid
   */
  @Override
  public Engine create(EngineSpec spec) {
    return new OnnxEngine(spec);
  }
}
