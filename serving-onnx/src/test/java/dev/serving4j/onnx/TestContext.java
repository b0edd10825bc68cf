package dev.serving4j.onnx;

import dev.serving4j.Device;
import dev.serving4j.HandlerContext;
import dev.serving4j.Manifest;
import dev.serving4j.spi.Engine;
import dev.serving4j.spi.EngineModel;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A {@link HandlerContext} for one worker of a model, loading the model through the given engine. */
record TestContext(Engine engine, Path modelDirectory, String modelFile, Map<String, String> properties,
    int workerId) implements HandlerContext {

  TestContext(Engine engine, Path modelFile, Map<String, String> properties) {
    this(engine, modelFile.getParent(), modelFile.getFileName().toString(), properties, 0);
  }

  TestContext withWorker(int id) {
    return new TestContext(engine, modelDirectory, modelFile, properties, id);
  }

  @Override
  public String modelName() {
    return "test";
  }

  @Override
  public String modelVersion() {
    return "1";
  }

  @Override
  public Manifest manifest() {
    return new Manifest(1, "test", "1", "tensor", "onnxruntime", null, Map.of(), Map.of(), properties, "",
        Instant.EPOCH, List.of());
  }

  @Override
  public Device device() {
    return Device.CPU;
  }

  @Override
  public Duration inferenceTimeout() {
    return Duration.ZERO;
  }

  @Override
  public EngineModel loadModel() {
    return engine.load(modelDirectory.resolve(modelFile), Device.CPU, workerId);
  }
}
