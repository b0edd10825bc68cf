package dev.serving4j.onnx.reliability;

import dev.serving4j.ModelArchive;
import dev.serving4j.onnx.TensorHandler;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Archives of the tiny test models, and a window on the native tensors a served model still holds. */
final class OnnxFixtures {
  private OnnxFixtures() {}

  /** y[batch, 3] = x[batch, 4] . W + b, W = arange(12).reshape(4, 3) / 10, b = [1, 2, 3]. */
  static float[] expected(float[] x) {
    float[] y = {1, 2, 3};
    for (int j = 0; j < 3; j++) {
      for (int k = 0; k < 4; k++) {
        y[j] += x[k] * (k * 3 + j) / 10f;
      }
    }
    return y;
  }

  /** An archive directory serving {@code matmul_add.onnx} with {@code handler} and {@code config}. */
  static Path matmulArchive(Path dir, String handler, Map<String, ?> config) {
    return ModelArchive.builder("mm", "1").handler(handler).engine("onnxruntime")
        .modelFile("model.onnx", model("matmul_add.onnx")).config(config).writeDirectory(dir.resolve("mm"));
  }

  static Path model(String name) {
    try {
      Path p = Path.of(OnnxFixtures.class.getResource("/models/" + name).toURI());
      if (!Files.isRegularFile(p)) {
        throw new IllegalStateException(p + " is missing");
      }
      return p;
    } catch (URISyntaxException | NullPointerException e) {
      throw new IllegalStateException("test resource models/" + name + " is missing", e);
    }
  }

  /**
   * Creates {@link TensorHandler}s and reads their engine's count of live native tensors from the gauge the
   * built-in handlers publish ({@code serving4j.custom.onnx.native.tensors}); build the server with
   * {@code .meterRegistry(handlers.registry)}.
   */
  static final class TrackedHandlers {
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    TensorHandler create() {
      return new TensorHandler();
    }

    int liveTensors() {
      Gauge gauge = registry.find("serving4j.custom.onnx.native.tensors").gauge();
      if (gauge == null) {
        throw new IllegalStateException("no initialized tensor handler published its gauge");
      }
      return (int) gauge.value();
    }
  }
}
