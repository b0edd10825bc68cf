package dev.serving4j.onnx.reliability;

import dev.serving4j.ModelArchive;
import dev.serving4j.onnx.TensorHandler;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

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
   * Creates {@link TensorHandler}s and remembers them, so a test can read the engine's count of live native
   * tensors. That count ({@code OnnxEngine.liveTensors()}) is package-private and the engine of a served model is
   * not reachable from a {@code ModelServer}; until an accessor exists (see docs/reliability.md) it is read by
   * reflection through a handler's {@code OnnxModel}, which shares its engine's tracker.
   */
  static final class TrackedHandlers {
    final List<TensorHandler> created = new CopyOnWriteArrayList<>();

    TensorHandler create() {
      TensorHandler h = new TensorHandler();
      created.add(h);
      return h;
    }

    int liveTensors() {
      try {
        Field model = TensorHandler.class.getDeclaredField("model");
        model.setAccessible(true);
        for (TensorHandler h : created) {
          Object m = model.get(h);
          if (m != null) {
            Method live = m.getClass().getDeclaredMethod("liveTensors");
            live.setAccessible(true);
            return (int) live.invoke(m);
          }
        }
        throw new IllegalStateException("no initialized tensor handler");
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot read the live tensor count", e);
      }
    }
  }
}
