package dev.serving4j.flink;

import dev.serving4j.ArchiveException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Where a job's model archive comes from: a path every TaskManager can read, a class path resource of the job jar,
 * or the archive's bytes shipped inside the job graph. Serializable, so it travels with the operator; the archive
 * itself is read on the TaskManager when the operator opens.
 *
 * <p>Sources that are not a local path are copied into a local file named by the content's SHA-256, so subtasks
 * and jobs that ship the same bytes share one copy (and one {@code ModelServer}).
 */
public abstract sealed class ArchiveSource implements Serializable {
  private static final long serialVersionUID = 1L;

  private ArchiveSource() {}

  /** An archive ({@code .s4j} zip or directory) at {@code path} on every TaskManager's file system. */
  public static ArchiveSource path(String path) {
    requireText(path, "path");
    return new FromPath(path);
  }

  /** An archive at {@code path} on every TaskManager's file system. */
  public static ArchiveSource path(Path path) {
    return path(Objects.requireNonNull(path, "path").toAbsolutePath().toString());
  }

  /** An archive packaged as a class path resource (for example inside the job jar), such as {@code /minilm.s4j}. */
  public static ArchiveSource classpath(String resource) {
    requireText(resource, "resource");
    return new FromResource(resource.startsWith("/") ? resource.substring(1) : resource);
  }

  /** An archive zip held in memory and shipped with the job graph; keep it small (the job graph carries it). */
  public static ArchiveSource bytes(byte[] zip) {
    if (zip == null || zip.length == 0) {
      throw new ArchiveException("archive bytes must be a non-empty .s4j zip, were "
          + (zip == null ? "null" : "empty"));
    }
    return new FromBytes(zip.clone());
  }

  /** An archive zip read now from {@code file} and shipped with the job graph. */
  public static ArchiveSource bytes(Path file) {
    try {
      return bytes(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read archive " + file, e);
    }
  }

  /**
   * Makes the archive readable as a local file or directory, copying it into {@code cache} when it is not one.
   *
   * @param loader the class loader that holds class path archives (the job's user-code class loader)
   * @return the local archive and its content's SHA-256
   */
  abstract Local materialize(ClassLoader loader, Path cache);

  /** A local archive and the SHA-256 of its content (for a directory: of its files' names and bytes, sorted). */
  record Local(Path path, String sha256) {}

  private static void requireText(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new ArchiveException("archive " + field + " must be non-blank, was '" + value + "'");
    }
  }

  private static final class FromPath extends ArchiveSource {
    private static final long serialVersionUID = 1L;
    private final String path;

    FromPath(String path) {
      this.path = path;
    }

    @Override
    Local materialize(ClassLoader loader, Path cache) {
      Path p = Path.of(path);
      if (!Files.exists(p)) {
        throw new ArchiveException("archive path " + p + " does not exist on this TaskManager; expected a .s4j "
            + "file or an archive directory readable by every TaskManager");
      }
      return new Local(p, Files.isDirectory(p) ? Digests.ofDirectory(p) : Digests.ofFile(p));
    }

    @Override
    public String toString() {
      return "path " + path;
    }
  }

  private static final class FromResource extends ArchiveSource {
    private static final long serialVersionUID = 1L;
    private final String resource;

    FromResource(String resource) {
      this.resource = resource;
    }

    @Override
    Local materialize(ClassLoader loader, Path cache) {
      try (InputStream in = loader.getResourceAsStream(resource)) {
        if (in == null) {
          throw new ArchiveException("archive resource '" + resource + "' is not on the job's class path");
        }
        return Digests.store(in.readAllBytes(), cache);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read archive resource " + resource, e);
      }
    }

    @Override
    public String toString() {
      return "class path resource " + resource;
    }
  }

  private static final class FromBytes extends ArchiveSource {
    private static final long serialVersionUID = 1L;
    private final byte[] zip;

    FromBytes(byte[] zip) {
      this.zip = zip;
    }

    @Override
    Local materialize(ClassLoader loader, Path cache) {
      return Digests.store(zip, cache);
    }

    @Override
    public String toString() {
      return zip.length + " archive bytes shipped with the job";
    }
  }

  /** SHA-256 helpers and the content-addressed local copy. */
  static final class Digests {
    private Digests() {}

    static Local store(byte[] zip, Path cache) {
      String sha = hex(digest().digest(zip));
      Path target = cache.resolve(sha + ".s4j");
      try {
        if (!Files.isRegularFile(target)) {
          Files.createDirectories(cache);
          Path partial = Files.createTempFile(cache, sha, ".part");
          Files.write(partial, zip);
          Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write archive copy " + target, e);
      }
      return new Local(target, sha);
    }

    static String ofFile(Path file) {
      MessageDigest md = digest();
      try (InputStream in = Files.newInputStream(file)) {
        byte[] buffer = new byte[1 << 16];
        for (int n; (n = in.read(buffer)) > 0; ) {
          md.update(buffer, 0, n);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read archive " + file, e);
      }
      return hex(md.digest());
    }

    static String ofDirectory(Path directory) {
      MessageDigest md = digest();
      try (Stream<Path> walk = Files.walk(directory)) {
        List<Path> files = walk.filter(Files::isRegularFile).sorted().toList();
        for (Path f : files) {
          md.update(directory.relativize(f).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
          md.update(HexFormat.of().parseHex(ofFile(f)));
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read archive directory " + directory, e);
      }
      return hex(md.digest());
    }

    private static MessageDigest digest() {
      try {
        return MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every JVM has SHA-256", e);
      }
    }

    private static String hex(byte[] bytes) {
      return HexFormat.of().formatHex(bytes);
    }
  }
}
