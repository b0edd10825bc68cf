package dev.serving4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serving4j.archive.Zips;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Building archives, opening them again, and the archive's lifecycle. */
class ModelArchiveRoundTripTest {
  private static final Instant CREATED = Instant.parse("2025-03-01T10:15:30.123Z");

  @TempDir Path tmp;

  @Test
  void zipRoundTripKeepsManifestAndFileBytes() throws IOException {
    ModelArchive.Builder builder = sampleBuilder();
    Path zip = builder.writeZip(tmp.resolve("out/model.s4j"));
    try (ModelArchive archive = ModelArchive.open(zip, ArchiveLimits.DEFAULTS, extractRoot())) {
      assertEquals(builder.manifest(), archive.manifest());
      assertEquals(zip, archive.source());
      assertArrayEquals(Files.readAllBytes(tmp.resolve("model.onnx")), Files.readAllBytes(archive.modelFile()));
      assertEquals("a b c", Files.readString(archive.file("tokenizer/vocab.txt")));
      assertEquals("[1, 2]", Files.readString(archive.file("warmup/1.json")));
      assertEquals(archive.directory().resolve("model.onnx"), archive.modelFile());
    }
  }

  @Test
  void directoryRoundTripKeepsManifestAndFileBytes() throws IOException {
    ModelArchive.Builder builder = sampleBuilder();
    Path dir = builder.writeDirectory(tmp.resolve("archive-dir"));
    try (ModelArchive archive = ModelArchive.open(dir)) {
      assertEquals(builder.manifest(), archive.manifest());
      assertEquals(dir.toRealPath(), archive.directory());
      assertArrayEquals(Files.readAllBytes(tmp.resolve("model.onnx")), Files.readAllBytes(archive.modelFile()));
    }
    assertTrue(Files.exists(dir.resolve("MANIFEST.json")), "closing must never delete the user's directory");
  }

  @Test
  void manifestDefaultConfigComesBackAsTheModelConfig() {
    ModelConfig config = ModelConfig.builder().workers(2).maxBatchSize(16).maxBatchDelay(Duration.ofMillis(7))
        .build();
    Path zip = sampleBuilder().config(config).writeZip(tmp.resolve("model.s4j"));
    try (ModelArchive archive = ModelArchive.open(zip, ArchiveLimits.DEFAULTS, extractRoot())) {
      assertEquals(config, archive.manifest().defaultConfig());
    }
  }

  @Test
  void zipStoresTheManifestFirst() throws IOException {
    Path zip = sampleBuilder().writeZip(tmp.resolve("model.s4j"));
    try (ZipFile file = new ZipFile(zip.toFile())) {
      assertEquals("MANIFEST.json", file.entries().nextElement().getName());
    }
  }

  @Test
  void equalInputsGiveIdenticalZips() throws IOException {
    byte[] first = Files.readAllBytes(sampleBuilder().writeZip(tmp.resolve("a.s4j")));
    byte[] second = Files.readAllBytes(sampleBuilder().writeZip(tmp.resolve("b.s4j")));
    assertArrayEquals(first, second);
  }

  @Test
  void closeDeletesTheExtractionDirectoryAndIsIdempotent() {
    Path zip = sampleBuilder().writeZip(tmp.resolve("model.s4j"));
    ModelArchive archive = ModelArchive.open(zip, ArchiveLimits.DEFAULTS, extractRoot());
    Path extracted = archive.directory();
    assertTrue(extracted.startsWith(extractRoot()) && Files.isDirectory(extracted));
    archive.close();
    assertFalse(Files.exists(extracted));
    archive.close();
    assertEquals(List.of(), list(extractRoot()));
  }

  @Test
  void openingWithDefaultsExtractsUnderTheJvmTempDirectory() {
    Path zip = sampleBuilder().writeZip(tmp.resolve("model.s4j"));
    Path extracted;
    try (ModelArchive archive = ModelArchive.open(zip)) {
      extracted = archive.directory();
      assertTrue(extracted.getFileName().toString().startsWith("serving4j-archive-"), extracted.toString());
    }
    assertFalse(Files.exists(extracted));
  }

  @Test
  void pathAccessorsFailAfterClose() {
    ModelArchive archive = ModelArchive.open(sampleBuilder().writeZip(tmp.resolve("m.s4j")), ArchiveLimits.DEFAULTS,
        extractRoot());
    archive.close();
    assertThrows(IllegalStateException.class, archive::directory);
    assertThrows(IllegalStateException.class, archive::modelFile);
    assertEquals("minilm", archive.manifest().modelName());
  }

  @Test
  void fileRejectsEntriesTheManifestDoesNotList() {
    try (ModelArchive archive = ModelArchive.open(sampleBuilder().writeDirectory(tmp.resolve("d")))) {
      ArchiveException e = assertThrows(ArchiveException.class, () -> archive.file("nope.txt"));
      assertTrue(e.getMessage().contains("'nope.txt'") && e.getMessage().contains(tmp.resolve("d").toString()),
          e.getMessage());
    }
  }

  @Test
  void archiveWithoutModelFileHasNullModelFile() {
    Path zip = ModelArchive.builder("echo", "1").handler("echo").writeZip(tmp.resolve("echo.s4j"));
    try (ModelArchive archive = ModelArchive.open(zip, ArchiveLimits.DEFAULTS, extractRoot())) {
      assertNull(archive.modelFile());
      assertEquals(Map.of(), archive.manifest().files());
    }
  }

  @Test
  void missingPathIsRejected() {
    ArchiveException e = assertThrows(ArchiveException.class, () -> ModelArchive.open(tmp.resolve("absent.s4j")));
    assertTrue(e.getMessage().contains("absent.s4j") && e.getMessage().contains("does not exist"), e.getMessage());
  }

  @Test
  void builderConfigMapMergesOverModelConfig() {
    Manifest manifest = sampleBuilder().config(ModelConfig.builder().maxBatchSize(4).build())
        .config(Map.of("maxBatchDelay", "20ms", "maxQueueSize", 50L)).manifest();
    assertEquals(4, manifest.config().get("maxBatchSize"));
    assertEquals("20ms", manifest.config().get("maxBatchDelay"));
    assertEquals(50, manifest.config().get("maxQueueSize"));
  }

  @Test
  void builderRejectsUnknownConfigKeyAndKeepsThePreviousConfig() {
    ModelArchive.Builder builder = sampleBuilder().config(Map.of("maxBatchSize", 4));
    InvalidConfigException e = assertThrows(InvalidConfigException.class,
        () -> builder.config(Map.of("maxBatchSise", 8)));
    assertTrue(e.getMessage().contains("maxBatchSise"), e.getMessage());
    assertEquals(Map.of("maxBatchSize", 4, "maxBatchDelay", "10ms"), builder.manifest().config());
  }

  @Test
  void builderRejectsUnsafeAndDuplicateEntries() {
    ModelArchive.Builder builder = sampleBuilder();
    assertThrows(ArchiveException.class, () -> builder.file("../evil", new byte[1]));
    assertThrows(ArchiveException.class, () -> builder.file("/abs", new byte[1]));
    assertThrows(ArchiveException.class, () -> builder.file("MANIFEST.json", new byte[1]));
    ArchiveException dup = assertThrows(ArchiveException.class, () -> builder.file("model.onnx", new byte[1]));
    assertTrue(dup.getMessage().contains("'model.onnx'"), dup.getMessage());
    assertThrows(ArchiveException.class, () -> builder.file("model.onnx/inner", new byte[1]));
    assertThrows(ArchiveException.class, () -> builder.file("tokenizer", new byte[1]));
  }

  @Test
  void builderRejectsInvalidNamesAtOnce() {
    ArchiveException e = assertThrows(ArchiveException.class, () -> ModelArchive.builder("bad name", "1"));
    assertTrue(e.getMessage().contains("modelName"), e.getMessage());
  }

  @Test
  void builderRequiresAHandler() {
    ArchiveException e = assertThrows(ArchiveException.class, () -> ModelArchive.builder("m", "1").manifest());
    assertTrue(e.getMessage().contains("'handler' is required"), e.getMessage());
  }

  @Test
  void builderRejectsAMissingSourceFile() {
    ArchiveException e = assertThrows(ArchiveException.class,
        () -> sampleBuilder().file("x.bin", tmp.resolve("absent.bin")));
    assertTrue(e.getMessage().contains("absent.bin"), e.getMessage());
  }

  @Test
  void builderTakesTheHandlerClassName() {
    assertEquals(EchoHandler.class.getName(), sampleBuilder().handler(EchoHandler.class).manifest().handler());
  }

  @Test
  void writeDirectoryRefusesANonEmptyDirectory() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("busy"));
    Files.writeString(dir.resolve("keep.txt"), "mine");
    ArchiveException e = assertThrows(ArchiveException.class, () -> sampleBuilder().writeDirectory(dir));
    assertTrue(e.getMessage().contains("not empty"), e.getMessage());
    assertEquals(List.of(dir.resolve("keep.txt")), list(dir));
  }

  @Test
  void archiveLimitsRejectNonPositiveValuesNamingTheField() {
    InvalidConfigException e = assertThrows(InvalidConfigException.class,
        () -> new ArchiveLimits(10, 0, 10, 10));
    assertTrue(e.getMessage().contains("maxEntryBytes"), e.getMessage());
  }

  private ModelArchive.Builder sampleBuilder() {
    Path model = tmp.resolve("model.onnx");
    if (!Files.exists(model)) {
      Zips.write(model, Zips.noise(20_000, 42));
    }
    return ModelArchive.builder("minilm", "1.0")
        .handler("embedding")
        .engine("onnxruntime")
        .modelFile("model.onnx", model)
        .file("tokenizer/vocab.txt", "a b c".getBytes(StandardCharsets.UTF_8))
        .warmupFile("warmup/1.json", "[1, 2]".getBytes(StandardCharsets.UTF_8))
        .config(Map.of("maxBatchSize", 16, "maxBatchDelay", "10ms"))
        .handlerProperty("pooling", "mean")
        .description("sentence embeddings")
        .createdOn(CREATED);
  }

  private Path extractRoot() {
    try {
      return Files.createDirectories(tmp.resolve("extract"));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static List<Path> list(Path dir) {
    try (Stream<Path> children = Files.list(dir)) {
      return children.toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** A handler type for {@link #builderTakesTheHandlerClassName}; never run. */
  static final class EchoHandler implements Handler<String, String> {
    @Override
    public Object preprocess(Batch<String> batch) {
      return batch;
    }

    @Override
    public Object inference(Object preprocessed, Batch<String> batch) {
      return preprocessed;
    }

    @Override
    public List<String> postprocess(Object inferred, Batch<String> batch) {
      return List.of();
    }
  }
}
