package dev.serving4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serving4j.archive.RawZip;
import dev.serving4j.archive.Zips;
import dev.serving4j.internal.archive.ManifestJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12 item 2: one stored stream must not be extracted more than once, central and local names must agree, and
 * the bytes an archive inflates to in all are bounded relative to its size.
 */
class ModelArchiveOverlapTest {
  private static final byte[] DATA = Zips.noise(64 * 1024, 7);

  @TempDir Path tmp;

  /** Files named {@code copy0..copy(n-1)}, all holding {@link #DATA}. */
  private static Map<String, byte[]> copies(int n) {
    Map<String, byte[]> files = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      files.put("copy" + i, DATA);
    }
    return files;
  }

  private Path write(byte[] zip) throws IOException {
    return Files.write(tmp.resolve("a.s4j"), zip);
  }

  private ArchiveException rejected(byte[] zip, ArchiveLimits limits, String fragment) throws IOException {
    Path p = write(zip);
    ArchiveException e = assertThrows(ArchiveException.class, () -> ModelArchive.open(p, limits));
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
    return e;
  }

  @Test
  void anOrdinaryRecordByRecordZipOpens() throws IOException {
    Map<String, byte[]> files = copies(3);
    RawZip zip = new RawZip().entry(ManifestJson.FILE_NAME, Zips.manifestFor(files));
    files.forEach(zip::entry);

    try (ModelArchive archive = ModelArchive.open(write(zip.bytes()))) {
      assertEquals(3, archive.manifest().files().size());
    }
  }

  @Test
  void manyCentralRecordsPointingAtOneLocalRecordAreRefused() throws IOException {
    Map<String, byte[]> files = copies(100);
    RawZip zip = new RawZip().entry(ManifestJson.FILE_NAME, Zips.manifestFor(files));
    int shared = zip.local("copy0", DATA);
    files.keySet().forEach(name -> zip.central(name, shared));

    rejected(zip.bytes(), ArchiveLimits.DEFAULTS, "overlapping or out-of-order local records");
  }

  @Test
  void localRecordsOutOfCentralDirectoryOrderAreRefused() throws IOException {
    Map<String, byte[]> files = copies(2);
    RawZip zip = new RawZip();
    int manifest = zip.local(ManifestJson.FILE_NAME, Zips.manifestFor(files));
    int first = zip.local("copy0", DATA);
    int second = zip.local("copy1", DATA);
    zip.central(ManifestJson.FILE_NAME, manifest).central("copy1", second).central("copy0", first);

    rejected(zip.bytes(), ArchiveLimits.DEFAULTS, "'copy0' starts at byte");
  }

  @Test
  void aCentralNameDifferentFromItsLocalHeaderNameIsRefused() throws IOException {
    Map<String, byte[]> files = copies(1);
    RawZip zip = new RawZip().entry(ManifestJson.FILE_NAME, Zips.manifestFor(files));
    zip.central("copy0", zip.local("other", DATA));

    rejected(zip.bytes(), ArchiveLimits.DEFAULTS, "named differently in its local header");
  }

  @Test
  void manySmallHighlyCompressedEntriesAreBoundedByTheTotalRatio() throws IOException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (int i = 0; i < 60; i++) {
      files.put("zeros" + i, new byte[1 << 20]); // each exempt from the per-entry ratio, 1 MiB from ~1 KiB
    }
    byte[] zip = Zips.archive(files, Map.of());

    rejected(zip, ArchiveLimits.DEFAULTS, "maxTotalRatio (200)");
  }

  @Test
  void theTotalRatioLimitIsConfigurable() throws IOException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (int i = 0; i < 4; i++) {
      files.put("zeros" + i, new byte[1 << 20]);
    }
    Path p = write(Zips.archive(files, Map.of()));

    try (ModelArchive archive = ModelArchive.open(p, new ArchiveLimits(100, 1 << 30, 1L << 30, 2000, 10_000))) {
      assertEquals(4, archive.manifest().files().size());
    }
  }
}
