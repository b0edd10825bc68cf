package dev.serving4j.internal.archive;

import dev.serving4j.ArchiveException;
import dev.serving4j.ArchiveLimits;
import dev.serving4j.Manifest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Validates an archive laid out as a plain directory, in place and read-only: {@code MANIFEST.json} and every
 * listed file must be regular files reached without symbolic links and lying inside the directory, within the size
 * limits, with the listed SHA-256. Files the manifest does not list are allowed (a README or a VCS folder beside the
 * model does no harm, since only listed files are ever handed out).
 */
public final class DirectoryArchiveReader {
  private DirectoryArchiveReader() {}

  /**
   * Reads and checks the directory's manifest and files.
   *
   * @param root the directory's real path
   * @param where how messages name the archive
   */
  public static Manifest read(Path root, ArchiveLimits limits, String where) {
    try {
      Manifest manifest = ManifestJson.read(readManifest(root, where), where);
      if (manifest.files().size() + 1L > limits.maxEntries()) {
        throw new ArchiveException(where + ": lists " + manifest.files().size() + " files, more than maxEntries ("
            + limits.maxEntries() + ") allows");
      }
      long total = 0;
      for (Map.Entry<String, String> e : new TreeMap<>(manifest.files()).entrySet()) {
        Path file = requireRegularFile(root, e.getKey(), where);
        long size = Files.size(file);
        if (size > limits.maxEntryBytes()) {
          throw new ArchiveException(where + ": file '" + e.getKey() + "' is " + size
              + " bytes, more than maxEntryBytes (" + limits.maxEntryBytes() + ")");
        }
        total += size;
        if (total > limits.maxTotalBytes()) {
          throw new ArchiveException(where + ": files add up to more than maxTotalBytes (" + limits.maxTotalBytes()
              + "), exceeded at '" + e.getKey() + "'");
        }
        requireDigest(where, e.getKey(), e.getValue(), Sha256.of(file));
      }
      return manifest;
    } catch (IOException e) {
      throw new ArchiveException(where + ": cannot be read: " + e, e);
    }
  }

  /** Fails naming the file, the expected and the actual digest when they differ. */
  public static void requireDigest(String where, String entry, String expected, String actual) {
    if (!expected.equals(actual)) {
      throw new ArchiveException(where + ": file '" + entry + "' has sha256 " + actual + ", but the manifest lists "
          + expected + " (the file is corrupt or was modified)");
    }
  }

  private static byte[] readManifest(Path root, String where) throws IOException {
    Path file = root.resolve(ManifestJson.FILE_NAME);
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new ArchiveException(where + ": has no " + ManifestJson.FILE_NAME + " at its root (expected a regular "
          + "file, not a symbolic link)");
    }
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      byte[] json = in.readNBytes(ManifestJson.MAX_BYTES + 1);
      if (json.length > ManifestJson.MAX_BYTES) {
        throw new ArchiveException(where + ": " + ManifestJson.FILE_NAME + " is larger than the "
            + ManifestJson.MAX_BYTES + "-byte limit");
      }
      return json;
    }
  }

  /** Walks the entry's path one segment at a time so no symlinked file or parent directory is followed. */
  private static Path requireRegularFile(Path root, String entry, String where) throws IOException {
    Path path = root;
    for (String segment : entry.split("/")) {
      path = path.resolve(segment);
      if (Files.isSymbolicLink(path)) {
        throw new ArchiveException(where + ": file '" + entry + "' is or passes through a symbolic link ('" + path
            + "'); archive directories must hold regular files");
      }
    }
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      throw new ArchiveException(where + ": file '" + entry + "' is listed in the manifest's 'files' but missing");
    }
    if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
      throw new ArchiveException(where + ": file '" + entry + "' is not a regular file");
    }
    if (!path.toRealPath().startsWith(root)) {
      throw new ArchiveException(where + ": file '" + entry + "' resolves outside the archive directory");
    }
    return path;
  }
}
