package dev.serving4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serving4j.archive.Zips;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MANIFEST.json parsing: each bad manifest is rejected with a message naming the archive and the field. */
class ModelArchiveManifestTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  @Test
  void minimalManifestOpens() {
    try (ModelArchive archive = ModelArchive.open(zipWith(m -> {}), ArchiveLimits.DEFAULTS, extractRoot())) {
      assertEquals("m", archive.manifest().modelName());
      assertEquals("", archive.manifest().description());
    }
  }

  @Test
  void configFieldOfWrongTypeIsRejected() {
    assertRejected(m -> m.put("config", Map.of("maxBatchSize", "8")),
        "manifest field 'config.maxBatchSize' must be a number, was string");
  }

  @Test
  void everyConfigFieldHasItsJsonTypeChecked() {
    assertRejected(m -> m.put("config", Map.of("failureIsolation", "yes")),
        "manifest field 'config.failureIsolation' must be true or false, was string");
    assertRejected(m -> m.put("config", Map.of("preferredBatchSizes", List.of(2, "4"))),
        "manifest field 'config.preferredBatchSizes[1]' must be a number, was string");
    assertRejected(m -> m.put("config", Map.of("priorityTimeouts", "1s")),
        "manifest field 'config.priorityTimeouts' must be an array of durations, was string");
  }

  @Test
  void topLevelFieldOfWrongTypeIsRejected() {
    assertRejected(m -> m.put("modelName", 7), "manifest field 'modelName' must be a string, was number");
  }

  @Test
  void filesOfWrongTypeAreRejected() {
    assertRejected(m -> m.put("files", List.of("a")), "manifest field 'files' must be an object, was array");
  }

  @Test
  void missingRequiredFieldIsRejected() {
    for (String field : List.of("manifestVersion", "modelName", "modelVersion", "handler", "createdOn", "files")) {
      assertRejected(m -> m.remove(field), "manifest field '" + field + "' is required");
    }
  }

  @Test
  void unknownFieldIsRejected() {
    assertRejected(m -> m.put("colour", "blue"), "unknown field 'colour'");
  }

  @Test
  void hugeStringIsRejected() {
    assertRejected(m -> m.put("description", "x".repeat(20_000)), "'description' must be at most 10000");
  }

  @Test
  void hugeNameIsRejected() {
    assertRejected(m -> m.put("modelName", "n".repeat(5_000)), "manifest field 'modelName'");
  }

  @Test
  void invalidNameIsRejected() {
    assertRejected(m -> m.put("modelName", "../m"), "manifest field 'modelName' must be 1..128");
  }

  @Test
  void unknownConfigKeyIsRejected() {
    assertRejected(m -> m.put("config", Map.of("maxBatchSise", 8)), "'config'", "unknown config field 'maxBatchSise'");
  }

  @Test
  void invalidConfigValueIsRejected() {
    assertRejected(m -> m.put("config", Map.of("maxBatchSize", 0)), "'config'", "maxBatchSize must be in 1..65536");
  }

  @Test
  void unsupportedManifestVersionIsRejected() {
    assertRejected(m -> m.put("manifestVersion", 2), "manifest field 'manifestVersion' must be 1, was 2");
  }

  @Test
  void badCreatedOnIsRejected() {
    assertRejected(m -> m.put("createdOn", "yesterday"), "'createdOn' must be an ISO-8601 instant");
  }

  @Test
  void badSha256FormatIsRejected() {
    assertRejected(m -> m.put("files", Map.of("a.bin", "abc")), "'files.a.bin' must be a lowercase hex sha256");
  }

  @Test
  void modelFileMustBeListed() {
    assertRejected(m -> m.put("modelFile", "model.onnx"), "'modelFile'", "not listed in 'files'");
  }

  @Test
  void invalidJsonIsRejected() {
    assertRejectedRaw("{\"manifestVersion\": 1,", "MANIFEST.json is not valid JSON");
  }

  @Test
  void duplicateJsonKeyIsRejected() {
    assertRejectedRaw("{\"modelName\": \"a\", \"modelName\": \"b\"}", "not valid JSON", "modelName");
  }

  @Test
  void nonObjectManifestIsRejected() {
    assertRejectedRaw("[1, 2]", "must hold a JSON object, was array");
  }

  @Test
  void sameProblemsAreRejectedInADirectoryArchive() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("dir"));
    Files.write(dir.resolve("MANIFEST.json"), manifest(m -> m.put("config", Map.of("workers", true))));
    ArchiveException e = assertThrows(ArchiveException.class, () -> ModelArchive.open(dir));
    assertTrue(e.getMessage().contains("'config.workers' must be a number, was boolean"), e.getMessage());
    assertTrue(e.getMessage().startsWith("archive '" + dir + "'"), e.getMessage());
  }

  private void assertRejected(Consumer<Map<String, Object>> change, String... fragments) {
    assertRejectedAt(zipWith(change), fragments);
  }

  private void assertRejectedRaw(String json, String... fragments) {
    assertRejectedAt(Zips.write(tmp.resolve("raw.s4j"),
        Zips.zip(Map.of("MANIFEST.json", json.getBytes(StandardCharsets.UTF_8)))), fragments);
  }

  private void assertRejectedAt(Path zip, String... fragments) {
    ArchiveException e = assertThrows(ArchiveException.class,
        () -> ModelArchive.open(zip, ArchiveLimits.DEFAULTS, extractRoot()));
    assertTrue(e.getMessage().startsWith("archive '" + zip + "'"), e.getMessage());
    assertEquals(0, e.getMessage().indexOf("archive '", 1) + 1, "archive named twice: " + e.getMessage());
    for (String fragment : fragments) {
      assertTrue(e.getMessage().contains(fragment), "expected '" + fragment + "' in: " + e.getMessage());
    }
    try (Stream<Path> left = Files.list(extractRoot())) {
      assertEquals(List.of(), left.toList(), "the extraction directory was not removed");
    } catch (IOException ex) {
      throw new java.io.UncheckedIOException(ex);
    }
  }

  private Path zipWith(Consumer<Map<String, Object>> change) {
    return Zips.write(tmp.resolve("m.s4j"), Zips.zip(Map.of("MANIFEST.json", manifest(change))));
  }

  private static byte[] manifest(Consumer<Map<String, Object>> change) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("manifestVersion", 1);
    m.put("modelName", "m");
    m.put("modelVersion", "1");
    m.put("handler", "echo");
    m.put("createdOn", "2025-01-01T00:00:00Z");
    m.put("files", Map.of());
    change.accept(m);
    try {
      return JSON.writeValueAsBytes(m);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private Path extractRoot() {
    try {
      return Files.createDirectories(tmp.resolve("extract"));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
