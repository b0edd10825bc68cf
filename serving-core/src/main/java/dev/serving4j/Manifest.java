package dev.serving4j;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The {@code MANIFEST.json} at the root of a model archive. Validated on construction: a bad field raises an
 * {@link ArchiveException} naming it. The format is described in {@code docs/archive-format.md}.
 *
 * @param manifestVersion format version; only {@code 1} exists
 * @param modelName model name: letters, digits, {@code . _ -}; 1..128 characters, starting with a letter or digit
 * @param modelVersion model version, same alphabet as the name
 * @param handler a handler alias (such as {@code embedding}) or a fully qualified class name
 * @param engine engine name (such as {@code onnxruntime}), or null for pure-Java handlers
 * @param modelFile the model file's path inside the archive, or null
 * @param files every file of the archive (relative path to lowercase hex sha256), the manifest itself excluded
 * @param config default serving config, keyed by {@link ModelConfig} field name
 * @param handlerProperties properties passed to the handler
 * @param description free text, may be empty
 * @param createdOn when the archive was built
 * @param warmupFiles archive files holding sample inputs each worker runs before it is ready (may be empty)
 */
public record Manifest(
    int manifestVersion,
    String modelName,
    String modelVersion,
    String handler,
    String engine,
    String modelFile,
    Map<String, String> files,
    Map<String, Object> config,
    Map<String, String> handlerProperties,
    String description,
    Instant createdOn,
    List<String> warmupFiles) {

  /** The only manifest format version. */
  public static final int CURRENT_VERSION = 1;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final Pattern HANDLER = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$.-]{0,255}");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  /** Validates every field. */
  public Manifest {
    if (manifestVersion != CURRENT_VERSION) {
      throw bad("manifestVersion", "must be " + CURRENT_VERSION + ", was " + manifestVersion);
    }
    requireName("modelName", modelName);
    requireName("modelVersion", modelVersion);
    if (handler == null || !HANDLER.matcher(handler).matches()) {
      throw bad("handler", "must be a handler alias or a Java class name, was " + quote(handler));
    }
    if (engine != null && !NAME.matcher(engine).matches()) {
      throw bad("engine", "must be an engine name such as 'onnxruntime', was " + quote(engine));
    }
    files = files == null ? Map.of() : Map.copyOf(files);
    for (Map.Entry<String, String> e : files.entrySet()) {
      ArchivePaths.requireSafe("files", e.getKey());
      if (e.getValue() == null || !SHA256.matcher(e.getValue()).matches()) {
        throw bad("files." + e.getKey(), "must be a lowercase hex sha256 (64 characters), was " + quote(e.getValue()));
      }
    }
    if (modelFile != null) {
      ArchivePaths.requireSafe("modelFile", modelFile);
      if (!files.containsKey(modelFile)) {
        throw bad("modelFile", quote(modelFile) + " is not listed in 'files'");
      }
    }
    config = config == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(config));
    try {
      ModelConfig.builder().apply(config).build();
    } catch (InvalidConfigException e) {
      throw new ArchiveException("manifest field 'config' is invalid: " + e.getMessage(), e);
    }
    handlerProperties = handlerProperties == null ? Map.of() : Map.copyOf(handlerProperties);
    description = description == null ? "" : description;
    if (description.length() > 10_000) {
      throw bad("description", "must be at most 10000 characters, was " + description.length());
    }
    if (createdOn == null) {
      throw bad("createdOn", "is required (an ISO-8601 instant)");
    }
    warmupFiles = warmupFiles == null ? List.of() : List.copyOf(warmupFiles);
    for (String w : warmupFiles) {
      ArchivePaths.requireSafe("warmupFiles", w);
      if (!files.containsKey(w)) {
        throw bad("warmupFiles", quote(w) + " is not listed in 'files'");
      }
    }
  }

  /** The default serving configuration this manifest declares. */
  public ModelConfig defaultConfig() {
    return ModelConfig.builder().apply(config).build();
  }

  private static void requireName(String field, String value) {
    if (value == null || !NAME.matcher(value).matches()) {
      throw bad(field, "must be 1..128 of [A-Za-z0-9._-], starting with a letter or digit, was " + quote(value));
    }
  }

  private static ArchiveException bad(String field, String problem) {
    return new ArchiveException("manifest field '" + field + "' " + problem);
  }

  private static String quote(String s) {
    if (s == null) {
      return "null";
    }
    return "'" + (s.length() > 80 ? s.substring(0, 80) + "..." : s) + "'";
  }
}
