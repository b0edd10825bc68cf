package dev.serving4j.internal.archive;

import dev.serving4j.ArchiveException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes an archive whose manifest is already built: a {@code .s4j} zip (manifest first, then the files in name
 * order, every timestamp set to the manifest's {@code createdOn} so equal inputs give equal bytes) or a directory
 * (files first, manifest last, so a half-written directory never looks complete). Each file is hashed again while
 * it is copied; a source that changed since its digest went into the manifest fails the write rather than produce
 * an archive that cannot be opened.
 */
public final class ArchiveWriter {
  /** One file's content: a path on disk, or bytes in memory. Exactly one of the two is non-null. */
  public record Source(Path path, byte[] bytes) {
    /** Opens the content for reading. */
    public InputStream open() throws IOException {
      return path != null ? Files.newInputStream(path) : new ByteArrayInputStream(bytes);
    }

    /** Returns the content's SHA-256 as lowercase hex. */
    public String sha256() throws IOException {
      return path != null ? Sha256.of(path) : Sha256.of(bytes);
    }

    String describe() {
      return path != null ? "'" + path + "'" : bytes.length + " bytes in memory";
    }
  }

  private ArchiveWriter() {}

  /** Writes a zip to a temporary sibling of {@code target}, then moves it into place (replacing a regular file). */
  public static void writeZip(Path target, byte[] manifestJson, Map<String, Source> files,
      Map<String, String> sha256, Instant createdOn) {
    String where = "archive '" + target + "'";
    if (Files.isDirectory(target)) {
      throw new ArchiveException(where + ": the target is a directory; expected a file path such as model.s4j");
    }
    Path parent = target.toAbsolutePath().getParent();
    Path temp = null;
    try {
      Files.createDirectories(parent);
      temp = Files.createTempFile(parent, "." + target.getFileName(), ".tmp");
      FileTime time = FileTime.from(createdOn);
      try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(temp))) {
        zip.putNextEntry(entry(ManifestJson.FILE_NAME, time));
        zip.write(manifestJson);
        zip.closeEntry();
        for (Map.Entry<String, Source> file : new java.util.TreeMap<>(files).entrySet()) {
          zip.putNextEntry(entry(file.getKey(), time));
          copyVerified(where, file.getKey(), file.getValue(), sha256.get(file.getKey()), zip);
          zip.closeEntry();
        }
      }
      move(temp, target);
      temp = null;
    } catch (IOException e) {
      throw new ArchiveException(where + ": cannot be written: " + e, e);
    } finally {
      deleteQuietly(temp);
    }
  }

  /** Writes the files and then {@code MANIFEST.json} into {@code directory}, which must be new or empty. */
  public static void writeDirectory(Path directory, byte[] manifestJson, Map<String, Source> files,
      Map<String, String> sha256) {
    String where = "archive directory '" + directory + "'";
    boolean created = prepareDirectory(directory, where);
    boolean written = false;
    try {
      for (Map.Entry<String, Source> file : new java.util.TreeMap<>(files).entrySet()) {
        Path target = directory.resolve(file.getKey());
        Files.createDirectories(target.getParent());
        try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW)) {
          copyVerified(where, file.getKey(), file.getValue(), sha256.get(file.getKey()), out);
        }
      }
      Files.write(directory.resolve(ManifestJson.FILE_NAME), manifestJson, StandardOpenOption.CREATE_NEW);
      written = true;
    } catch (IOException e) {
      throw new ArchiveException(where + ": cannot be written: " + e, e);
    } finally {
      if (!written) {
        undo(directory, created);
      }
    }
  }

  private static boolean prepareDirectory(Path directory, String where) {
    try {
      if (!Files.exists(directory)) {
        Files.createDirectories(directory);
        return true;
      }
      if (!Files.isDirectory(directory)) {
        throw new ArchiveException(where + ": exists and is not a directory; expected a new or empty directory");
      }
      try (Stream<Path> children = Files.list(directory)) {
        if (children.findAny().isPresent()) {
          throw new ArchiveException(where + ": is not empty; expected a new or empty directory");
        }
      }
      return false;
    } catch (IOException e) {
      throw new ArchiveException(where + ": cannot be created: " + e, e);
    }
  }

  /** Removes what a failed write left: the directory if it was created here, else its (formerly empty) content. */
  private static void undo(Path directory, boolean created) {
    try {
      if (created) {
        ExtractionDirectory.deleteTree(directory);
      } else {
        try (Stream<Path> children = Files.list(directory)) {
          for (Path child : (Iterable<Path>) children::iterator) {
            ExtractionDirectory.deleteTree(child);
          }
        }
      }
    } catch (IOException ignored) {
      // The write's own failure is the one worth reporting.
    }
  }

  private static void copyVerified(String where, String entry, Source source, String expected, OutputStream out)
      throws IOException {
    MessageDigest digest = Sha256.newDigest();
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = source.open()) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
        out.write(buffer, 0, n);
      }
    }
    String actual = Sha256.hex(digest.digest());
    if (!actual.equals(expected)) {
      throw new ArchiveException(where + ": file '" + entry + "' changed while the archive was written (source "
          + source.describe() + "): sha256 was " + expected + " when the manifest was built, now " + actual);
    }
  }

  private static ZipEntry entry(String name, FileTime time) {
    ZipEntry entry = new ZipEntry(name);
    entry.setLastModifiedTime(time);
    return entry;
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static void deleteQuietly(Path temp) {
    if (temp != null) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException ignored) {
        // Best effort: a stray temp file is not worth hiding the real error.
      }
    }
  }
}
