package dev.serving4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serving4j.archive.Zips;
import dev.serving4j.internal.archive.ManifestJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile and broken zips. Every rejection must name the archive, leave no extraction directory behind and write
 * nothing outside it: each test extracts under its own {@code extract} folder, checked empty afterwards.
 */
class ModelArchiveZipSafetyTest {
  private static final byte[] HELLO = "hello".getBytes(StandardCharsets.UTF_8);

  @TempDir Path tmp;
  private Path extractRoot;

  @BeforeEach
  void createExtractionRoot() throws IOException {
    extractRoot = Files.createDirectory(tmp.resolve("extract"));
  }

  @AfterEach
  void nothingEscapedTheExtractionDirectory() throws IOException {
    assertFalse(Files.exists(extractRoot.resolve("evil")), "a file was written beside the extraction directory");
    assertFalse(Files.exists(tmp.resolve("evil")), "a file was written two levels up");
  }

  @Test
  void zipSlipEntryIsRejected() {
    Path zip = hostile(Map.of("../evil", HELLO));
    assertRejected(zip, ArchiveLimits.DEFAULTS, "'../evil'", "unsafe path");
    assertFalse(Files.exists(extractRoot.resolve("evil")));
  }

  @Test
  void deepZipSlipEntryIsRejected() {
    String name = "ok/../../../evil";
    assertRejected(hostile(Map.of(name, HELLO)), ArchiveLimits.DEFAULTS, "'" + name + "'", "'..' segments");
  }

  @Test
  void absolutePathEntryIsRejected() {
    assertRejected(hostile(Map.of("/tmp/evil", HELLO)), ArchiveLimits.DEFAULTS, "'/tmp/evil'", "relative");
  }

  @Test
  void backslashEntryIsRejected() {
    assertRejected(hostile(Map.of("..\\evil", HELLO)), ArchiveLimits.DEFAULTS, "unsafe path", "forward slashes");
  }

  @Test
  void driveLetterEntryIsRejected() {
    assertRejected(hostile(Map.of("C:evil", HELLO)), ArchiveLimits.DEFAULTS, "'C:evil'", "unsafe path");
  }

  @Test
  void symlinkEntryIsRejected() {
    Map<String, byte[]> files = Map.of("link", "/etc/passwd".getBytes(StandardCharsets.UTF_8));
    byte[] zip = Zips.markSymlink(Zips.archive(files, Map.of()), "link");
    assertRejected(write(zip), ArchiveLimits.DEFAULTS, "'link'", "symbolic link");
  }

  @Test
  void tooManyEntriesAreRejected() {
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (int i = 0; i < 5; i++) {
      files.put("f" + i, HELLO);
    }
    assertRejected(write(Zips.archive(files, Map.of())), new ArchiveLimits(3, 1 << 20, 1 << 20, 200),
        "6 entries", "maxEntries (3)");
  }

  @Test
  void oversizeEntryIsRejected() {
    byte[] big = Zips.noise(4000, 1);
    assertRejected(write(Zips.archive(Map.of("big.bin", big), Map.of())), new ArchiveLimits(10, 1500, 1 << 20, 200),
        "'big.bin'", "maxEntryBytes (1500)");
  }

  @Test
  void totalOverLimitIsRejected() {
    Map<String, byte[]> files = Map.of("a.bin", Zips.noise(3000, 1), "b.bin", Zips.noise(3000, 2));
    assertRejected(write(Zips.archive(files, Map.of())), new ArchiveLimits(10, 1 << 20, 5000, 200),
        "maxTotalBytes (5000)");
  }

  @Test
  void zipBombByRatioIsRejected() {
    byte[] zeros = new byte[5 * 1024 * 1024];
    assertRejected(write(Zips.archive(Map.of("bomb.bin", zeros), Map.of())), new ArchiveLimits(10, 1L << 30,
        1L << 30, 10), "'bomb.bin'", "maxCompressionRatio (10)");
  }

  @Test
  void highlyCompressibleEntryPassesUnderTheDefaultRatioWhenSmall() {
    byte[] zeros = new byte[512 * 1024];
    try (ModelArchive archive = ModelArchive.open(write(Zips.archive(Map.of("z.bin", zeros), Map.of())),
        ArchiveLimits.DEFAULTS, extractRoot)) {
      assertEquals(1, archive.manifest().files().size());
    }
  }

  @Test
  void duplicateEntriesAreRejected() {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put(ManifestJson.FILE_NAME, Zips.manifestFor(Map.of("dup-a.txt", HELLO)));
    entries.put("dup-a.txt", HELLO);
    entries.put("dup-b.txt", "other".getBytes(StandardCharsets.UTF_8));
    byte[] zip = Zips.replaceAll(Zips.zip(entries), "dup-b.txt", "dup-a.txt");
    assertRejected(write(zip), ArchiveLimits.DEFAULTS, "'dup-a.txt'", "more than once");
  }

  @Test
  void truncatedZipIsRejected() {
    byte[] zip = Zips.archive(Map.of("model.bin", Zips.noise(10_000, 3)), Map.of());
    assertRejected(write(Arrays.copyOf(zip, zip.length / 2)), ArchiveLimits.DEFAULTS, "truncated");
  }

  @Test
  void corruptEntryDataIsRejected() {
    byte[] zip = Zips.archive(Map.of("model.bin", Zips.noise(10_000, 3)), Map.of());
    int data = Zips.dataOffset(zip, "model.bin") + 2000;
    for (int i = data; i < data + 64; i++) {
      zip[i] ^= 0x5a;
    }
    assertRejected(write(zip), ArchiveLimits.DEFAULTS, "'model.bin'");
  }

  @Test
  void notAZipIsRejected() {
    assertRejected(write("just text".getBytes(StandardCharsets.UTF_8)), ArchiveLimits.DEFAULTS, "not a zip");
  }

  @Test
  void badSha256IsRejected() {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put(ManifestJson.FILE_NAME, Zips.manifestFor(Map.of("model.bin", HELLO)));
    entries.put("model.bin", "HELLO".getBytes(StandardCharsets.UTF_8));
    ArchiveException e = assertRejected(write(Zips.zip(entries)), ArchiveLimits.DEFAULTS, "'model.bin'",
        "sha256", "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
    assertTrue(e.getMessage().contains("3733cd977ff8eb18b987357e22ced99f46097f31ecb239e878ae63760e83e4d5"),
        e.getMessage());
  }

  @Test
  void missingManifestIsRejected() {
    assertRejected(hostile(Map.of("model.bin", HELLO)), ArchiveLimits.DEFAULTS, "no MANIFEST.json");
  }

  @Test
  void unlistedExtraFileIsRejected() {
    byte[] zip = Zips.archive(Map.of("model.bin", HELLO), Map.of("sneaky.py", HELLO));
    assertRejected(write(zip), ArchiveLimits.DEFAULTS, "'sneaky.py'", "does not list");
  }

  @Test
  void missingListedFileIsRejected() {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put(ManifestJson.FILE_NAME, Zips.manifestFor(Map.of("model.bin", HELLO, "vocab.txt", HELLO)));
    entries.put("model.bin", HELLO);
    assertRejected(write(Zips.zip(entries)), ArchiveLimits.DEFAULTS, "'vocab.txt'", "lacks");
  }

  @Test
  void oversizeManifestIsRejected() {
    byte[] huge = ("{\"description\": \"" + "x".repeat(2 << 20) + "\"}").getBytes(StandardCharsets.UTF_8);
    assertRejected(hostile(Map.of(ManifestJson.FILE_NAME, huge)), ArchiveLimits.DEFAULTS, "MANIFEST.json",
        "1 MiB limit");
  }

  @Test
  void directoryEntriesAreAllowed() {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put(ManifestJson.FILE_NAME, Zips.manifestFor(Map.of("sub/model.bin", HELLO)));
    entries.put("sub/", new byte[0]);
    entries.put("sub/model.bin", HELLO);
    try (ModelArchive archive = ModelArchive.open(write(Zips.zip(entries)), ArchiveLimits.DEFAULTS, extractRoot)) {
      assertEquals("hello", read(archive.file("sub/model.bin")));
    }
  }

  @Test
  void zip64CentralDirectoryIsRead() {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put(ManifestJson.FILE_NAME, Zips.manifestFor(Map.of()));
    for (int i = 0; i < 70_000; i++) {
      entries.put("d" + i + "/", new byte[0]);
    }
    Path zip = write(Zips.zip(entries));
    try (ModelArchive archive = ModelArchive.open(zip, new ArchiveLimits(80_000, 1 << 20, 1 << 20, 200),
        extractRoot)) {
      assertEquals(Map.of(), archive.manifest().files());
    }
    assertRejected(zip, ArchiveLimits.DEFAULTS, "70001 entries", "maxEntries (10000)");
  }

  private ArchiveException assertRejected(Path zip, ArchiveLimits limits, String... fragments) {
    ArchiveException e = assertThrows(ArchiveException.class, () -> ModelArchive.open(zip, limits, extractRoot));
    String message = e.getMessage();
    assertTrue(message.startsWith("archive '" + zip + "'"), message);
    for (String fragment : fragments) {
      assertTrue(message.contains(fragment), "expected '" + fragment + "' in: " + message);
    }
    assertEquals(List.of(), list(extractRoot), "the extraction directory was not removed");
    return e;
  }

  private Path hostile(Map<String, byte[]> entries) {
    return write(Zips.zip(entries));
  }

  private Path write(byte[] zip) {
    return Zips.write(tmp.resolve("in").resolve("archive.s4j"), zip);
  }

  private static List<Path> list(Path dir) {
    try (Stream<Path> children = Files.list(dir)) {
      return children.toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
