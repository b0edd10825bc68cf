package dev.serving4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Archives opened in place from a directory: validated, never modified, never followed through symlinks. */
class ModelArchiveDirectoryTest {
  @TempDir Path tmp;
  private Path dir;

  @BeforeEach
  void writeArchiveDirectory() {
    dir = ModelArchive.builder("m", "1").handler("echo")
        .file("model.bin", "weights".getBytes(StandardCharsets.UTF_8))
        .file("sub/vocab.txt", "a b".getBytes(StandardCharsets.UTF_8))
        .createdOn(Instant.parse("2025-01-01T00:00:00Z"))
        .writeDirectory(tmp.resolve("archive"));
  }

  @Test
  void unlistedFilesInADirectoryAreTolerated() throws IOException {
    Files.writeString(dir.resolve("README.md"), "notes");
    try (ModelArchive archive = ModelArchive.open(dir)) {
      assertEquals(2, archive.manifest().files().size());
    }
    assertTrue(Files.exists(dir.resolve("README.md")));
  }

  @Test
  void missingListedFileIsRejected() throws IOException {
    Files.delete(dir.resolve("sub/vocab.txt"));
    assertRejected("'sub/vocab.txt'", "missing");
  }

  @Test
  void modifiedFileFailsItsSha256() throws IOException {
    Files.writeString(dir.resolve("model.bin"), "tampered");
    assertRejected("'model.bin'", "sha256", "modified");
  }

  @Test
  void symlinkedFileIsRejected() throws IOException {
    Path outside = Files.writeString(tmp.resolve("outside.bin"), "weights");
    Files.delete(dir.resolve("model.bin"));
    Files.createSymbolicLink(dir.resolve("model.bin"), outside);
    assertRejected("'model.bin'", "symbolic link");
  }

  @Test
  void symlinkedParentDirectoryIsRejected() throws IOException {
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Files.move(dir.resolve("sub"), outside.resolve("sub"));
    Files.createSymbolicLink(dir.resolve("sub"), outside.resolve("sub"));
    assertRejected("'sub/vocab.txt'", "symbolic link");
  }

  @Test
  void symlinkedManifestIsRejected() throws IOException {
    Path outside = Files.move(dir.resolve("MANIFEST.json"), tmp.resolve("MANIFEST.json"));
    Files.createSymbolicLink(dir.resolve("MANIFEST.json"), outside);
    assertRejected("MANIFEST.json", "not a symbolic link");
  }

  @Test
  void oversizeFileIsRejected() {
    ArchiveException e = assertThrows(ArchiveException.class,
        () -> ModelArchive.open(dir, new ArchiveLimits(10, 4, 1 << 20, 10)));
    assertTrue(e.getMessage().contains("'model.bin'") && e.getMessage().contains("maxEntryBytes (4)"),
        e.getMessage());
  }

  private void assertRejected(String... fragments) {
    ArchiveException e = assertThrows(ArchiveException.class, () -> ModelArchive.open(dir));
    assertTrue(e.getMessage().startsWith("archive '" + dir + "'"), e.getMessage());
    for (String fragment : fragments) {
      assertTrue(e.getMessage().contains(fragment), "expected '" + fragment + "' in: " + e.getMessage());
    }
  }
}
