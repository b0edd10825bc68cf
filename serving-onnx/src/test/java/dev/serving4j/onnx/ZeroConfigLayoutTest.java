package dev.serving4j.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.serving4j.ModelArchive;
import dev.serving4j.ModelServer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With no worker or thread settings, the ONNX engine lays the version out itself: one worker per core. */
class ZeroConfigLayoutTest {
  @TempDir Path dir;

  private int workersOf(Map<String, ?> config) {
    Path archive = ModelArchive.builder("m", "1").handler("tensor").engine("onnxruntime")
        .modelFile("model.onnx", EngineFixture.model("matmul_add.onnx")).config(config)
        .writeDirectory(dir.resolve("m" + config.hashCode()));
    try (ModelServer server = ModelServer.builder().build()) {
      server.register(archive);
      return server.describe("m").versions().get(0).workers().size();
    }
  }

  @Test
  void noConfigRunsOneWorkerPerCore() {
    assertEquals(Runtime.getRuntime().availableProcessors(), workersOf(Map.of()));
  }

  @Test
  void anExplicitWorkerCountWins() {
    assertEquals(1, workersOf(Map.of("workers", 1)));
    assertEquals(1, workersOf(Map.of("minWorkers", 1)));
  }

  @Test
  void aThreadOptionKeepsTodaysSingleWorkerDefault() {
    assertEquals(1, workersOf(Map.of("engineOptions", Map.of("intraOpThreads", "2"))));
  }
}
