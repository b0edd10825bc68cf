package dev.serving4j.internal.archive;

import dev.serving4j.ArchiveException;
import dev.serving4j.ArchiveLimits;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Reads a {@code .s4j} zip defensively. {@link #open} rejects the archive before any byte is inflated when its
 * central directory holds too many entries, unsafe or duplicate names, symlinks, encrypted entries or unknown
 * compression methods, local records that overlap, are out of order or are named differently from their central
 * records ({@link LocalRecords}), or when {@link ZipFile} and {@link CentralDirectory} disagree about the entry list. The
 * read and extract methods count the bytes actually inflated against {@link ArchiveLimits}, stopping as soon as a
 * limit is crossed, so a zip bomb costs at most one limit's worth of disk.
 *
 * <p>Not thread-safe; one archive is opened by one thread.
 */
public final class ZipArchiveReader implements Closeable {
  /** Entries inflating to at most this many bytes are exempt from the compression-ratio check. */
  public static final long RATIO_EXEMPT_BYTES = 1L << 20;

  private final String where;
  private final ArchiveLimits limits;
  private final ZipFile zipFile;
  private final Map<String, ZipEntry> files;
  /** {@link ArchiveLimits#totalBytesFor} this file's size. */
  private final long maxTotal;
  private final String maxTotalName;
  private long totalBytes;

  private ZipArchiveReader(String where, ArchiveLimits limits, ZipFile zipFile, Map<String, ZipEntry> files,
      long zipBytes) {
    this.where = where;
    this.limits = limits;
    this.zipFile = zipFile;
    this.files = files;
    this.maxTotal = limits.totalBytesFor(zipBytes);
    this.maxTotalName = maxTotal == limits.maxTotalBytes() ? "maxTotalBytes (" + maxTotal + ")"
        : maxTotal + " bytes, maxTotalRatio (" + limits.maxTotalRatio() + ") times the archive's " + zipBytes
            + " bytes";
  }

  /**
   * Opens and vets {@code zip}.
   *
   * @param pathProblem returns why an entry name is unsafe, or null when it is fine
   * @param where how messages name the archive, such as {@code archive '/models/a.s4j'}
   */
  public static ZipArchiveReader open(Path zip, ArchiveLimits limits, UnaryOperator<String> pathProblem,
      String where) {
    try {
      List<CentralDirectory.Entry> entries = CentralDirectory.read(zip, limits.maxEntries(), where);
      vet(entries, pathProblem, where);
      ZipFile zipFile = openZipFile(zip, where);
      try {
        return new ZipArchiveReader(where, limits, zipFile, crossCheck(zipFile, entries, where), Files.size(zip));
      } catch (RuntimeException e) {
        zipFile.close();
        throw e;
      }
    } catch (IOException e) {
      throw new ArchiveException(where + ": cannot be read as a zip archive: " + e, e);
    }
  }

  /** Names of the file (non-directory) entries, in archive order. */
  public Set<String> fileNames() {
    return files.keySet();
  }

  /**
   * Inflates a small entry into memory.
   *
   * @param maxBytes the most bytes the entry may hold (maxEntryBytes applies too)
   * @param limitName how messages name {@code maxBytes}, such as {@code "the 1 MiB limit for MANIFEST.json"}
   */
  public byte[] read(String name, long maxBytes, String limitName) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (maxBytes < limits.maxEntryBytes()) {
      copy(name, out, Sha256.newDigest(), maxBytes, limitName);
    } else {
      copy(name, out, Sha256.newDigest(), limits.maxEntryBytes(), maxEntryBytesName());
    }
    return out.toByteArray();
  }

  /**
   * Inflates entry {@code name} to {@code root/name}, creating parent directories, and returns its SHA-256.
   * Never overwrites: an existing file (such as a case-insensitive twin) is an error.
   */
  public String extract(String name, Path root) {
    Path target = root.resolve(name).normalize();
    if (!target.startsWith(root) || target.equals(root)) {
      throw new ArchiveException(where + ": entry '" + name + "' would be written outside the extraction directory");
    }
    MessageDigest digest = Sha256.newDigest();
    try {
      Files.createDirectories(target.getParent());
      try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        copy(name, out, digest, limits.maxEntryBytes(), maxEntryBytesName());
      }
    } catch (IOException e) {
      throw new ArchiveException(where + ": cannot extract entry '" + name + "': " + e, e);
    }
    return Sha256.hex(digest.digest());
  }

  @Override
  public void close() throws IOException {
    zipFile.close();
  }

  private String maxEntryBytesName() {
    return "maxEntryBytes (" + limits.maxEntryBytes() + ")";
  }

  private void copy(String name, OutputStream out, MessageDigest digest, long cap, String limitName) {
    ZipEntry entry = files.get(name);
    if (entry == null) {
      throw new ArchiveException(where + ": has no entry '" + name + "'");
    }
    if (entry.getSize() > cap) {
      throw new ArchiveException(where + ": entry '" + name + "' declares " + entry.getSize()
          + " bytes, more than " + limitName);
    }
    long compressed = Math.max(1, entry.getCompressedSize());
    long written = 0;
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = zipFile.getInputStream(entry)) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        written += n;
        totalBytes += n;
        checkLimits(name, written, compressed, cap, limitName);
        digest.update(buffer, 0, n);
        out.write(buffer, 0, n);
      }
    } catch (IOException e) {
      throw new ArchiveException(where + ": entry '" + name + "' cannot be inflated (corrupt or truncated data?): "
          + e, e);
    }
  }

  private void checkLimits(String name, long written, long compressed, long cap, String limitName) {
    if (written > cap) {
      throw new ArchiveException(where + ": entry '" + name + "' inflates to more than " + limitName);
    }
    int ratio = limits.maxCompressionRatio();
    boolean ratioExceeded = compressed <= Long.MAX_VALUE / ratio && written > compressed * ratio;
    if (written > RATIO_EXEMPT_BYTES && ratioExceeded) {
      throw new ArchiveException(where + ": entry '" + name + "' inflates from " + compressed + " compressed bytes to more than "
          + written + " bytes, a compression ratio above maxCompressionRatio (" + ratio
          + "); a zip bomb?");
    }
    if (totalBytes > maxTotal) {
      throw new ArchiveException(where + ": entries inflate to more than " + maxTotalName
          + ", exceeded while extracting '" + name + "'");
    }
  }

  private static void vet(List<CentralDirectory.Entry> entries, UnaryOperator<String> pathProblem, String where) {
    Set<String> seen = new HashSet<>();
    for (CentralDirectory.Entry e : entries) {
      String name = e.name();
      String path = e.isDirectory() ? name.substring(0, name.length() - 1) : name;
      String problem = pathProblem.apply(path);
      if (problem != null) {
        throw new ArchiveException(where + ": entry " + shown(name) + " has an unsafe path: " + problem);
      }
      if (!seen.add(name)) {
        throw new ArchiveException(where + ": entry " + shown(name) + " appears more than once");
      }
      if (e.isSymlink()) {
        throw new ArchiveException(where + ": entry " + shown(name) + " is a symbolic link; archives hold only "
            + "regular files and directories");
      }
      if (e.isEncrypted()) {
        throw new ArchiveException(where + ": entry " + shown(name) + " is encrypted, which is not supported");
      }
      if (e.method() != ZipEntry.STORED && e.method() != ZipEntry.DEFLATED) {
        throw new ArchiveException(where + ": entry " + shown(name) + " uses compression method " + e.method()
            + "; only stored (0) and deflated (8) are supported");
      }
    }
  }

  private static ZipFile openZipFile(Path zip, String where) throws IOException {
    try {
      return new ZipFile(zip.toFile());
    } catch (java.util.zip.ZipException | IllegalArgumentException e) {
      throw new ArchiveException(where + ": is a corrupt zip archive: " + e.getMessage(), e);
    }
  }

  private static Map<String, ZipEntry> crossCheck(ZipFile zipFile, List<CentralDirectory.Entry> entries,
      String where) {
    List<? extends ZipEntry> jdkEntries = zipFile.stream().toList();
    List<String> jdkNames = jdkEntries.stream().map(ZipEntry::getName).toList();
    if (!jdkNames.equals(entries.stream().map(CentralDirectory.Entry::name).toList())) {
      throw new ArchiveException(where + ": is a corrupt zip archive: its central directory reads differently "
          + "to two zip parsers");
    }
    Map<String, ZipEntry> files = new LinkedHashMap<>();
    for (ZipEntry e : jdkEntries) {
      if (!e.isDirectory()) {
        files.put(e.getName(), e);
      }
    }
    return files;
  }

  private static String shown(String name) {
    return "'" + (name.length() > 80 ? name.substring(0, 80) + "..." : name) + "'";
  }
}
