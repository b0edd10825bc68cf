package dev.serving4j;

import dev.serving4j.internal.archive.ArchiveExtractor;
import dev.serving4j.internal.archive.ArchiveWriter;
import dev.serving4j.internal.archive.DirectoryArchiveReader;
import dev.serving4j.internal.archive.ExtractionDirectory;
import dev.serving4j.internal.archive.ManifestJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model archive: a {@code .s4j} zip, or a plain directory, with {@code MANIFEST.json} at its root. The format, the
 * safety checks and their limits are described in {@code docs/archive-format.md}.
 *
 * <p>{@link #open} validates everything before it returns: the manifest's fields and types, that the files present
 * are exactly the files listed, and every file's SHA-256. A zip is extracted into a fresh temporary directory with
 * its entries checked against zip-slip, symlinks, duplicates and the {@link ArchiveLimits}; nothing is ever written
 * outside that directory, and it is deleted on failure or by {@link #close()}. A directory is validated in place and
 * never written to or deleted.
 *
 * <pre>{@code
 * try (ModelArchive archive = ModelArchive.open(Path.of("models/minilm.s4j"))) {
 *   Path model = archive.modelFile();
 *   ModelConfig defaults = archive.manifest().defaultConfig();
 * }
 * }</pre>
 *
 * <p>Instances are immutable apart from being closed, and safe to share between threads. The checks themselves live
 * in {@code dev.serving4j.internal.archive}; this file is long only because the {@link Builder} is nested here.
 */
public final class ModelArchive implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ModelArchive.class);
  private static final String MANIFEST = ManifestJson.FILE_NAME;

  private final Path source;
  private final Manifest manifest;
  private final Path directory;
  private final ExtractionDirectory extraction;
  private final AtomicBoolean closed = new AtomicBoolean();

  private ModelArchive(Path source, Manifest manifest, Path directory, ExtractionDirectory extraction) {
    this.source = source;
    this.manifest = manifest;
    this.directory = directory;
    this.extraction = extraction;
  }

  /**
   * Opens and validates an archive with {@link ArchiveLimits#DEFAULTS}.
   *
   * @param path a {@code .s4j} zip file, or a directory holding {@code MANIFEST.json}
   * @throws ArchiveException if the archive is unreadable, unsafe or inconsistent; the message names the path and
   *     the entry or field
   */
  public static ModelArchive open(Path path) {
    return open(path, ArchiveLimits.DEFAULTS);
  }

  /**
   * Opens and validates an archive, applying {@code limits} while a zip is extracted.
   *
   * @param path a {@code .s4j} zip file, or a directory holding {@code MANIFEST.json}
   * @throws ArchiveException if the archive is unreadable, unsafe, inconsistent or over a limit
   */
  public static ModelArchive open(Path path, ArchiveLimits limits) {
    return open(path, limits, null);
  }

  /** As {@link #open(Path, ArchiveLimits)}, extracting zips under {@code extractionParent} (null: the temp dir). */
  static ModelArchive open(Path path, ArchiveLimits limits, Path extractionParent) {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(limits, "limits");
    String where = "archive '" + path + "'";
    if (Files.isDirectory(path)) {
      return openDirectory(path, limits, where);
    }
    if (Files.isRegularFile(path)) {
      return openZip(path, limits, extractionParent, where);
    }
    throw new ArchiveException(where + (Files.exists(path) ? ": is neither a regular file nor a directory"
        : ": does not exist") + "; expected a .s4j zip file or a directory with " + MANIFEST);
  }

  private static ModelArchive openDirectory(Path path, ArchiveLimits limits, String where) {
    try {
      Path root = path.toRealPath();
      return new ModelArchive(path, DirectoryArchiveReader.read(root, limits, where), root, null);
    } catch (IOException e) {
      throw new ArchiveException(where + ": cannot be read: " + e, e);
    }
  }

  private static ModelArchive openZip(Path path, ArchiveLimits limits, Path parent, String where) {
    ExtractionDirectory extraction = ExtractionDirectory.create(parent);
    boolean opened = false;
    try {
      Manifest manifest = ArchiveExtractor.extract(path, limits, ArchivePaths::problem, extraction.path(), where);
      opened = true;
      return new ModelArchive(path, manifest, extraction.path(), extraction);
    } finally {
      if (!opened) {
        deleteQuietly(extraction, where);
      }
    }
  }

  /** The validated manifest. */
  public Manifest manifest() {
    return manifest;
  }

  /**
   * The directory holding the archive's files: the extraction directory for a zip, or the real path of the
   * directory that was opened.
   *
   * @throws IllegalStateException if the archive is closed
   */
  public Path directory() {
    requireOpen();
    return directory;
  }

  /**
   * The model file ({@link Manifest#modelFile()} resolved in {@link #directory()}), or null when there is none.
   *
   * @throws IllegalStateException if the archive is closed
   */
  public Path modelFile() {
    requireOpen();
    return manifest.modelFile() == null ? null : directory.resolve(manifest.modelFile());
  }

  /**
   * Resolves a file listed in the manifest's {@code files}.
   *
   * @param entry the file's path inside the archive, such as {@code tokenizer/vocab.txt}
   * @throws ArchiveException if the manifest does not list {@code entry}
   * @throws IllegalStateException if the archive is closed
   */
  public Path file(String entry) {
    requireOpen();
    if (entry == null || !manifest.files().containsKey(entry)) {
      throw new ArchiveException("archive '" + source + "': has no file '" + entry + "' in its manifest's 'files' ("
          + manifest.files().size() + " files listed)");
    }
    return directory.resolve(entry);
  }

  /** The path {@link #open} was given. */
  public Path source() {
    return source;
  }

  /**
   * Releases the archive: deletes the extraction directory if {@link #open} created one (a directory that was
   * opened in place is never touched). Idempotent; a deletion failure is logged, not thrown.
   */
  @Override
  public void close() {
    if (closed.getAndSet(true) || extraction == null) {
      return;
    }
    deleteQuietly(extraction, "archive '" + source + "'");
  }

  @Override
  public String toString() {
    return "ModelArchive[" + manifest.modelName() + " " + manifest.modelVersion() + " from " + source + "]";
  }

  /** True once {@link #close()} was called. */
  boolean isClosed() {
    return closed.get();
  }

  private void requireOpen() {
    if (closed.get()) {
      throw new IllegalStateException("archive '" + source + "' is closed");
    }
  }

  private static void deleteQuietly(ExtractionDirectory extraction, String where) {
    try {
      extraction.delete();
    } catch (IOException e) {
      LOG.warn("{}: could not delete extraction directory {}", where, extraction.path(), e);
    }
  }

  /**
   * Starts building an archive for the given model name and version.
   *
   * @throws ArchiveException if the name or version is not 1..128 of {@code [A-Za-z0-9._-]} starting with a letter
   *     or digit
   */
  public static Builder builder(String modelName, String modelVersion) {
    return new Builder(modelName, modelVersion);
  }

  /**
   * Builds a manifest and writes it with its files as a {@code .s4j} zip or a directory. Setters check their
   * arguments at once and throw {@link ArchiveException} ({@link InvalidConfigException} for config values) naming
   * the field; {@link #manifest()} checks the rest. The builder may be used again after writing.
   *
   * <pre>{@code
   * ModelArchive.builder("minilm", "1")
   *     .handler("embedding").engine("onnxruntime")
   *     .modelFile("model.onnx", Path.of("build/model.onnx"))
   *     .file("tokenizer.json", Path.of("build/tokenizer.json"))
   *     .config(Map.of("maxBatchSize", 16, "maxBatchDelay", "10ms"))
   *     .writeZip(Path.of("minilm.s4j"));
   * }</pre>
   */
  public static final class Builder {
    private final String modelName;
    private final String modelVersion;
    private final String where;
    private String handler;
    private String engine;
    private String modelFile;
    private final Map<String, ArchiveWriter.Source> files = new TreeMap<>();
    private final Set<String> parentDirectories = new HashSet<>();
    private final List<String> warmupFiles = new ArrayList<>();
    private Map<String, Object> config = new LinkedHashMap<>();
    private final Map<String, String> handlerProperties = new TreeMap<>();
    private String description = "";
    private Instant createdOn = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    private Builder(String modelName, String modelVersion) {
      // A throwaway manifest checks the names with the very rules open() applies.
      new Manifest(Manifest.CURRENT_VERSION, modelName, modelVersion, "probe", null, null, null, null, null, null,
          Instant.EPOCH, null);
      this.modelName = modelName;
      this.modelVersion = modelVersion;
      this.where = "archive builder for " + modelName + " " + modelVersion;
    }

    /** Sets the handler: an alias such as {@code embedding}, or a fully qualified class name. Required. */
    public Builder handler(String aliasOrClassName) {
      handler = requireNonNull("handler", aliasOrClassName);
      return this;
    }

    /** Sets the handler to {@code type}'s class name. */
    @SuppressWarnings("rawtypes") // Accepts generic handler classes whatever their type parameters.
    public Builder handler(Class<? extends Handler> type) {
      return handler(requireNonNull("handler", type).getName());
    }

    /** Sets the engine name, such as {@code onnxruntime}; null (the default) for pure-Java handlers. */
    public Builder engine(String name) {
      engine = name;
      return this;
    }

    /** Adds the file at {@code source} as {@code entry} and marks it as the manifest's {@code modelFile}. */
    public Builder modelFile(String entry, Path source) {
      if (modelFile != null) {
        throw fail("modelFile", "is already '" + modelFile + "'");
      }
      file(entry, source);
      modelFile = entry;
      return this;
    }

    /**
     * Adds the file at {@code source} as {@code entry}, a relative path with forward slashes. The file is read when
     * the manifest is built and again when the archive is written; it must not change in between.
     */
    public Builder file(String entry, Path source) {
      requireNonNull("files." + entry, source);
      if (!Files.isRegularFile(source)) {
        throw fail("files." + entry, "source '" + source + "' is not a readable regular file");
      }
      return add(entry, new ArchiveWriter.Source(source, null));
    }

    /** Adds {@code content} (copied) as {@code entry}. */
    public Builder file(String entry, byte[] content) {
      return add(entry, new ArchiveWriter.Source(null, requireNonNull("files." + entry, content).clone()));
    }

    /** Adds {@code content} as {@code entry} and lists it in the manifest's {@code warmupFiles}. */
    public Builder warmupFile(String entry, byte[] content) {
      file(entry, content);
      warmupFiles.add(entry);
      return this;
    }

    /** Replaces the default serving config with {@code config.toMap()}. */
    public Builder config(ModelConfig config) {
      this.config = new LinkedHashMap<>(ManifestJson.toJsonValues("config", requireNonNull("config", config).toMap()));
      return this;
    }

    /**
     * Merges {@code values} (keyed by {@link ModelConfig} field name) over the config set so far.
     *
     * @throws InvalidConfigException if a key is unknown or a value invalid; the config is then unchanged
     */
    public Builder config(Map<String, ?> values) {
      Map<String, Object> merged = new LinkedHashMap<>(config);
      merged.putAll(ManifestJson.toJsonValues("config", requireNonNull("config", values)));
      ModelConfig.builder().apply(merged).build();
      config = merged;
      return this;
    }

    /** Sets one handler property. */
    public Builder handlerProperty(String key, String value) {
      if (key == null || key.isBlank()) {
        throw fail("handlerProperties", "keys must be non-blank, was '" + key + "'");
      }
      handlerProperties.put(key, requireNonNull("handlerProperties." + key, value));
      return this;
    }

    /** Sets the free-text description (at most 10,000 characters). */
    public Builder description(String text) {
      description = requireNonNull("description", text);
      return this;
    }

    /** Sets the creation time; default: when the builder was created. */
    public Builder createdOn(Instant time) {
      createdOn = requireNonNull("createdOn", time);
      return this;
    }

    /**
     * Builds and validates the manifest, hashing every file, without writing anything.
     *
     * @throws ArchiveException if a field is missing or invalid, or a source file cannot be read
     */
    public Manifest manifest() {
      if (handler == null) {
        throw fail("handler", "is required: call handler(...)");
      }
      Map<String, String> digests = new TreeMap<>();
      for (Map.Entry<String, ArchiveWriter.Source> e : files.entrySet()) {
        try {
          digests.put(e.getKey(), e.getValue().sha256());
        } catch (IOException ex) {
          throw fail("files." + e.getKey(), "cannot be read: " + ex);
        }
      }
      try {
        return new Manifest(Manifest.CURRENT_VERSION, modelName, modelVersion, handler, engine, modelFile, digests,
            config, handlerProperties, description, createdOn, warmupFiles);
      } catch (ArchiveException e) {
        throw new ArchiveException(where + ": " + e.getMessage(), e);
      }
    }

    /**
     * Writes a {@code .s4j} zip, {@code MANIFEST.json} first, replacing an existing file at {@code target}.
     *
     * @return {@code target}
     * @throws ArchiveException if the manifest is invalid or the zip cannot be written
     */
    public Path writeZip(Path target) {
      Manifest m = manifest();
      ArchiveWriter.writeZip(requireNonNull("target", target), ManifestJson.write(m), files, m.files(), createdOn);
      return target;
    }

    /**
     * Writes the files and {@code MANIFEST.json} into {@code directory}, which must not exist or be empty.
     *
     * @return {@code directory}
     * @throws ArchiveException if the manifest is invalid or the directory exists and is not empty
     */
    public Path writeDirectory(Path directory) {
      Manifest m = manifest();
      ArchiveWriter.writeDirectory(requireNonNull("directory", directory), ManifestJson.write(m), files, m.files());
      return directory;
    }

    private Builder add(String entry, ArchiveWriter.Source source) {
      ArchivePaths.requireSafe("files", entry);
      if (entry.equals(MANIFEST)) {
        throw fail("files", "must not contain '" + MANIFEST + "': the builder writes it");
      }
      if (files.containsKey(entry) || parentDirectories.contains(entry)) {
        throw fail("files", "already has an entry '" + entry + "'");
      }
      for (int slash = entry.indexOf('/'); slash >= 0; slash = entry.indexOf('/', slash + 1)) {
        if (files.containsKey(entry.substring(0, slash))) {
          throw fail("files", "entry '" + entry + "' would be inside file '" + entry.substring(0, slash) + "'");
        }
      }
      for (int slash = entry.indexOf('/'); slash >= 0; slash = entry.indexOf('/', slash + 1)) {
        parentDirectories.add(entry.substring(0, slash));
      }
      files.put(entry, source);
      return this;
    }

    private <T> T requireNonNull(String field, T value) {
      if (value == null) {
        throw fail(field, "must not be null");
      }
      return value;
    }

    private ArchiveException fail(String field, String problem) {
      return new ArchiveException(where + ": manifest field '" + field + "' " + problem);
    }
  }
}
