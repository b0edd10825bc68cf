package dev.serving4j.internal.archive;

import dev.serving4j.ArchiveException;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A fresh temporary directory that an opened zip archive is extracted into, and deleted with it. Only a directory
 * this class created is ever deleted, so a user's own archive directory can never be removed by mistake.
 */
public final class ExtractionDirectory {
  /** Prefix of every extraction directory's name. */
  public static final String PREFIX = "serving4j-archive-";

  private final Path path;
  private final AtomicBoolean deleted = new AtomicBoolean();

  private ExtractionDirectory(Path path) {
    this.path = path;
  }

  /** Creates a new, empty directory under {@code parent}, or under the JVM's temp directory when it is null. */
  public static ExtractionDirectory create(Path parent) {
    try {
      Path dir = parent == null ? Files.createTempDirectory(PREFIX) : Files.createTempDirectory(parent, PREFIX);
      return new ExtractionDirectory(dir);
    } catch (IOException e) {
      throw new ArchiveException("cannot create a temporary directory to extract the archive into: " + e, e);
    }
  }

  /** The directory. */
  public Path path() {
    return path;
  }

  /** Deletes the directory and everything in it; later calls do nothing. */
  public void delete() throws IOException {
    if (!deleted.getAndSet(true)) {
      deleteTree(path);
    }
  }

  /** Deletes {@code root} and its contents without following symbolic links; a missing root is fine. */
  public static void deleteTree(Path root) throws IOException {
    if (Files.notExists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        deleteIfExists(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
        if (failure != null) {
          throw failure;
        }
        deleteIfExists(dir);
        return FileVisitResult.CONTINUE;
      }
    });
  }

  private static void deleteIfExists(Path p) throws IOException {
    try {
      Files.delete(p);
    } catch (NoSuchFileException ignored) {
      // Already gone: the goal is reached.
    }
  }
}
