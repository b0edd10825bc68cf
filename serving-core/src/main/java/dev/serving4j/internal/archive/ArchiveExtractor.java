package dev.serving4j.internal.archive;

import dev.serving4j.ArchiveException;
import dev.serving4j.ArchiveLimits;
import dev.serving4j.Manifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * Extracts a {@code .s4j} zip in the order that fails cheapest first: vet the central directory, read and validate
 * {@code MANIFEST.json}, require the zip's files to be exactly the listed ones, and only then inflate each file,
 * checking its SHA-256 as it is written.
 */
public final class ArchiveExtractor {
  private ArchiveExtractor() {}

  /**
   * Extracts {@code zip} into the empty directory {@code target} and returns its validated manifest. On failure
   * {@code target} may hold partial output; the caller owns it and deletes it.
   *
   * @param pathProblem returns why an entry name is unsafe, or null when it is fine
   * @param where how messages name the archive
   */
  public static Manifest extract(Path zip, ArchiveLimits limits, UnaryOperator<String> pathProblem, Path target,
      String where) {
    try (ZipArchiveReader reader = ZipArchiveReader.open(zip, limits, pathProblem, where)) {
      if (!reader.fileNames().contains(ManifestJson.FILE_NAME)) {
        throw new ArchiveException(where + ": has no " + ManifestJson.FILE_NAME + " at its root");
      }
      byte[] json = reader.read(ManifestJson.FILE_NAME, ManifestJson.MAX_BYTES,
          "the 1 MiB limit for " + ManifestJson.FILE_NAME);
      Manifest manifest = ManifestJson.read(json, where);
      requireSameFiles(where, manifest.files().keySet(), reader.fileNames());
      Files.write(target.resolve(ManifestJson.FILE_NAME), json, StandardOpenOption.CREATE_NEW);
      for (Map.Entry<String, String> e : new TreeMap<>(manifest.files()).entrySet()) {
        String actual = reader.extract(e.getKey(), target);
        DirectoryArchiveReader.requireDigest(where, e.getKey(), e.getValue(), actual);
      }
      return manifest;
    } catch (IOException e) {
      throw new ArchiveException(where + ": cannot be extracted: " + e, e);
    }
  }

  private static void requireSameFiles(String where, Set<String> listed, Set<String> present) {
    Set<String> extra = new TreeSet<>(present);
    extra.remove(ManifestJson.FILE_NAME);
    extra.removeAll(listed);
    if (!extra.isEmpty()) {
      throw new ArchiveException(where + ": holds files the manifest's 'files' does not list: " + shown(extra)
          + "; every file must be listed with its sha256");
    }
    Set<String> missing = new TreeSet<>(listed);
    missing.removeAll(present);
    if (!missing.isEmpty()) {
      throw new ArchiveException(where + ": lacks files the manifest's 'files' lists: " + shown(missing));
    }
  }

  private static String shown(Set<String> names) {
    List<String> first = names.stream().limit(5).map(n -> "'" + n + "'").toList();
    return String.join(", ", first) + (names.size() > 5 ? " and " + (names.size() - 5) + " more" : "");
  }
}
