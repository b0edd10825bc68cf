package dev.serving4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serving4j.ArchiveException;
import dev.serving4j.ModelArchive;
import dev.serving4j.ModelServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12 item 1: ONNX Runtime writes {@code optimizedModelPath}, so an archive may only name a new file inside its
 * own directory; the application may name any path. The built-in handlers' file properties stay inside too.
 */
class ArchivePathOptionTest {
  @RegisterExtension final EngineFixture engines = new EngineFixture();
  @TempDir Path dir;
  private final ModelServer server = ModelServer.builder().build();

  @AfterEach
  void close() {
    server.close();
  }

  private Path archive(String optimizedModelPath) {
    return ModelArchive.builder("p", "1").handler("tensor").engine("onnxruntime")
        .modelFile("model.onnx", EngineFixture.model("matmul_add.onnx"))
        .config(Map.of("engineOptions", Map.of("optimizedModelPath", optimizedModelPath, "optimizationLevel", "none")))
        .writeZip(dir.resolve("p.s4j"));
  }

  @Test
  void anArchiveCannotMakeOnnxRuntimeOverwriteAFileOutsideIt() throws Exception {
    Path victim = Files.writeString(dir.resolve("victim.txt"), "precious", StandardCharsets.UTF_8);
    Path zip = archive(victim.toString());

    ArchiveException e = assertThrows(ArchiveException.class, () -> server.register(zip));

    assertTrue(e.getMessage().contains("config.engineOptions.optimizedModelPath"), e.getMessage());
    assertTrue(e.getMessage().contains(victim.toString()), e.getMessage());
    assertArrayEquals("precious".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(victim));
    assertEquals(0, server.models().size());
  }

  @Test
  void anArchiveCannotClimbOutOfItsDirectoryWithDotDot() {
    Path zip = archive("../escaped.onnx");

    assertThrows(ArchiveException.class, () -> server.register(zip));
  }

  @Test
  void aDirectoryArchiveCannotEscapeThroughASymbolicLink() throws Exception {
    Path outside = Files.createDirectory(dir.resolve("outside"));
    Path archive = ModelArchive.builder("p", "1").handler("tensor").engine("onnxruntime")
        .modelFile("model.onnx", EngineFixture.model("matmul_add.onnx"))
        .config(Map.of("engineOptions", Map.of("optimizedModelPath", "out/x.onnx", "optimizationLevel", "none")))
        .writeDirectory(dir.resolve("p"));
    Files.createSymbolicLink(archive.resolve("out"), outside);

    ArchiveException e = assertThrows(ArchiveException.class, () -> server.register(archive));

    assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
    assertTrue(Files.notExists(outside.resolve("x.onnx")));
  }

  @Test
  void anArchiveCannotNameOneOfItsOwnFiles() {
    Path zip = archive("model.onnx");

    ArchiveException e = assertThrows(ArchiveException.class, () -> server.register(zip));
    assertTrue(e.getMessage().contains("a file the archive holds"), e.getMessage());
  }

  @Test
  void anArchiveMayNameANewFileInsideItsDirectory() throws Exception {
    try (ModelArchive opened = ModelArchive.open(archive("optimized.onnx"))) {
      server.register(opened);

      assertTrue(Files.isRegularFile(opened.directory().resolve("optimized.onnx")));
    }
  }

  @Test
  void theApplicationMayPointTheOptionAnywhere() throws Exception {
    Path chosen = dir.resolve("app-chosen.onnx");
    Path zip = archive("optimized.onnx");

    server.register(zip, cfg -> cfg.engineOption("optimizedModelPath", chosen.toString()));

    assertTrue(Files.size(chosen) > 0);
  }

  @Test
  void aHandlerFilePropertyCannotNameAFileOutsideTheArchive() throws Exception {
    Path secret = Files.writeString(dir.resolve("secret.txt"), "cat\ndog\n", StandardCharsets.UTF_8);
    TestContext context = new TestContext(engines.engine(Map.of()), EngineFixture.model("image_classifier.onnx"),
        Map.of("labels", secret.toString()));

    try (ImageClassifierHandler handler = new ImageClassifierHandler()) {
      ArchiveException e = assertThrows(ArchiveException.class, () -> handler.initialize(context));
      assertTrue(e.getMessage().contains("handler property 'labels'"), e.getMessage());
    }
  }
}
