package dev.serving4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serving4j.tools.ArchiveCli;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The archiver command line, run in-process through {@link ArchiveCli#run}. */
class ModelArchiveCliTest {
  @TempDir Path tmp;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @Test
  void cliBuildsAnArchiveThatOpens() throws IOException {
    Path model = Files.writeString(tmp.resolve("model.onnx"), "weights");
    Path labels = Files.writeString(tmp.resolve("labels.txt"), "cat\ndog\n");
    Path assets = Files.createDirectories(tmp.resolve("assets/nested"));
    Files.writeString(assets.resolve("x.txt"), "x");
    Path config = Files.writeString(tmp.resolve("config.json"), "{\"maxBatchSize\": 4, \"maxBatchDelay\": \"3ms\"}");
    Path output = tmp.resolve("out/classifier.s4j");

    int status = run("--name", "classifier", "--version", "2", "--handler", "image_classifier",
        "--engine", "onnxruntime", "--model-file", model.toString(), "--extra-file", labels.toString(),
        "--extra-file", tmp.resolve("assets").toString(), "--config", config.toString(),
        "--property", "topK=5", "--description", "cats and dogs", "--output", output.toString());

    assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
    try (ModelArchive archive = ModelArchive.open(output)) {
      Manifest m = archive.manifest();
      assertEquals("classifier", m.modelName());
      assertEquals("model.onnx", m.modelFile());
      assertEquals(java.util.Set.of("model.onnx", "labels.txt", "assets/nested/x.txt"), m.files().keySet());
      assertEquals(4, m.defaultConfig().maxBatchSize());
      assertEquals(Map.of("topK", "5"), m.handlerProperties());
      assertEquals("cat\ndog\n", Files.readString(archive.file("labels.txt")));
    }
  }

  @Test
  void inspectPrintsTheManifest() {
    Path archive = ModelArchive.builder("m", "1").handler("echo").writeZip(tmp.resolve("m.s4j"));
    assertEquals(0, run("--inspect", archive.toString()));
    String printed = out.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("\"modelName\" : \"m\""), printed);
  }

  @Test
  void missingRequiredOptionIsAUsageError() {
    assertEquals(2, run("--name", "m", "--version", "1", "--output", tmp.resolve("x.s4j").toString()));
    String message = err.toString(StandardCharsets.UTF_8);
    assertTrue(message.contains("--handler is required") && message.contains("usage:"), message);
  }

  @Test
  void unknownOptionIsAUsageError() {
    assertEquals(2, run("--nmae", "m"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown argument '--nmae'"));
  }

  @Test
  void propertyWithoutEqualsIsAUsageError() {
    assertEquals(2, run("--name", "m", "--version", "1", "--handler", "h", "--property", "novalue",
        "--output", tmp.resolve("x.s4j").toString()));
  }

  @Test
  void invalidConfigFileFailsWithStatusOne() throws IOException {
    Path config = Files.writeString(tmp.resolve("config.json"), "{\"maxBatchSise\": 4}");
    assertEquals(1, run("--name", "m", "--version", "1", "--handler", "h", "--config", config.toString(),
        "--output", tmp.resolve("x.s4j").toString()));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("maxBatchSise"));
    assertTrue(Files.notExists(tmp.resolve("x.s4j")));
  }

  @Test
  void inspectingAHostileArchiveFailsWithStatusOne() throws IOException {
    Path bad = Files.writeString(tmp.resolve("bad.s4j"), "not a zip");
    assertEquals(1, run("--inspect", bad.toString()));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("not a zip"));
  }

  private int run(String... args) {
    return ArchiveCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }
}
