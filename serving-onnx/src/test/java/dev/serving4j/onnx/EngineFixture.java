package dev.serving4j.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.serving4j.spi.EngineSpec;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Creates engines for a test and, after it, checks that every native tensor the test made was closed, then closes the
 * engines and checks no session is left open. Register with {@code @RegisterExtension}.
 */
final class EngineFixture implements AfterEachCallback {
  private final List<OnnxEngine> engines = new ArrayList<>();

  /** An engine with the given options and no inference timeout. */
  OnnxEngine engine(Map<String, String> options) {
    return engine(options, Duration.ZERO);
  }

  OnnxEngine engine(Map<String, String> options, Duration timeout) {
    OnnxEngine e = new OnnxEngine(new EngineSpec("test", "1", options, timeout));
    engines.add(e);
    return e;
  }

  /** Loads a model from {@code src/test/resources/models} with default options. */
  OnnxModel load(String name) {
    return (OnnxModel) engine(Map.of()).load(model(name), dev.serving4j.Device.CPU, 0);
  }

  /** The path of a generated test model or file. */
  static Path model(String name) {
    try {
      return Path.of(EngineFixture.class.getResource("/models/" + name).toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new IllegalStateException("test resource models/" + name + " is missing", e);
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    try {
      for (OnnxEngine e : engines) {
        assertEquals(0, e.liveTensors(), "native tensors left open by the test");
      }
    } finally {
      engines.forEach(OnnxEngine::close);
      for (OnnxEngine e : engines) {
        assertEquals(0, e.openSessions(), "sessions left open after the engine closed");
      }
      engines.clear();
    }
  }
}
