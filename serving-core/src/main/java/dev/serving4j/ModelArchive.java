package dev.serving4j;

import java.nio.file.Path;

/**
 * A model archive: a {@code .s4j} zip or a plain directory with {@code MANIFEST.json} at its root.
 * SKELETON: the archive helper replaces this file.
 */
public final class ModelArchive implements AutoCloseable {
  private final Manifest manifest;
  private final Path directory;

  private ModelArchive(Manifest manifest, Path directory) {
    this.manifest = manifest;
    this.directory = directory;
  }

  /** Opens a zip or a directory. */
  public static ModelArchive open(Path path) {
    throw new UnsupportedOperationException("skeleton");
  }

  /** The validated manifest. */
  public Manifest manifest() {
    return manifest;
  }

  /** The directory holding the archive's files. */
  public Path directory() {
    return directory;
  }

  /** The model file, or null. */
  public Path modelFile() {
    return manifest.modelFile() == null ? null : directory.resolve(manifest.modelFile());
  }

  @Override
  public void close() {}
}
