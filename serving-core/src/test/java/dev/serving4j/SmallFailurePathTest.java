package dev.serving4j;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serving4j.internal.archive.ManifestJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 12 item 12: the smaller bad calls each get the typed error their javadoc promises. */
class SmallFailurePathTest {
  @TempDir Path dir;

  private Path echo() {
    return ModelArchive.builder("m", "1").handler("echo").writeDirectory(dir.resolve("m"));
  }

  @Test
  void aTrafficSplitNamingAnUnknownVersionIsInvalidConfig() {
    try (ModelServer server = ModelServer.builder().handler("echo", EchoHandler::new).build()) {
      server.register(echo());

      InvalidConfigException e = assertThrows(InvalidConfigException.class,
          () -> server.setTrafficSplit("m", Map.of("9", 1)));
      assertTrue(e.getMessage().contains("'9'"), e.getMessage());
    }
  }

  @Test
  void registeringAClosedArchiveIsAnArchiveException() {
    try (ModelServer server = ModelServer.builder().handler("echo", EchoHandler::new).build()) {
      ModelArchive archive = ModelArchive.open(echo());
      archive.close();

      ArchiveException e = assertThrows(ArchiveException.class, () -> server.register(archive));
      assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }
  }

  @Test
  void aUtf16ManifestIsRefusedAsNotUtf8() throws IOException {
    Path archive = echo();
    Path manifest = archive.resolve(ManifestJson.FILE_NAME);
    Files.write(manifest, Files.readString(manifest, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_16LE));

    ArchiveException e = assertThrows(ArchiveException.class, () -> ModelArchive.open(archive));
    assertTrue(e.getMessage().contains("must be UTF-8"), e.getMessage());
  }
}
