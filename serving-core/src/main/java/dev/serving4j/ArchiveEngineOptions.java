package dev.serving4j;

import dev.serving4j.internal.archive.ManifestJson;
import dev.serving4j.spi.EngineProvider;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Applies the archive path rule to engine options before an engine is created: nothing an archive says may name a
 * path outside that archive's own directory (a manifest could otherwise make ONNX Runtime write its optimized graph
 * over any file the process can write).
 *
 * <p>Which values came from the archive: a path option of the merged config whose value equals the manifest's
 * {@code config.engineOptions} value is the archive's, and is resolved inside the archive (see
 * {@link ArchivePaths#resolveInside}) and handed to the engine as an absolute path. A value the application's
 * overrides set or changed is the application's and passes unchanged: the application may point anywhere. An
 * override that repeats the manifest's value exactly is treated as the archive's, the cautious reading.
 */
final class ArchiveEngineOptions {
  private ArchiveEngineOptions() {}

  /**
   * Returns the options the engine receives.
   *
   * @param merged the options of the config in force (manifest config with the application's overrides)
   * @throws ArchiveException when an archive-given path option leaves the archive, names a file the archive holds,
   *     or goes through a symbolic link; the message names the field and the path
   */
  static Map<String, String> confine(EngineProvider provider, ModelArchive archive, Map<String, String> merged,
      String label) {
    Manifest m = archive.manifest();
    Map<String, String> fromArchive = m.defaultConfig().engineOptions();
    Map<String, String> confined = new LinkedHashMap<>(merged);
    for (String key : provider.pathOptions()) {
      String value = merged.get(key);
      if (value == null || !Objects.equals(value, fromArchive.get(key))) {
        continue; // unset, or the application's own value
      }
      String what = label + ": manifest field 'config.engineOptions." + key + "'";
      if (m.files().containsKey(value) || value.equals(ManifestJson.FILE_NAME)) {
        throw new ArchiveException(what + " is '" + value + "', a file the archive holds; ONNX Runtime and other"
            + " engines write to such paths, so it must name a new file");
      }
      confined.put(key, ArchivePaths.resolveInside(realRoot(archive, label), what, value).toString());
    }
    return confined;
  }

  private static Path realRoot(ModelArchive archive, String label) {
    try {
      return archive.directory().toRealPath();
    } catch (IOException e) {
      throw new ArchiveException(label + ": the archive's directory " + archive.directory() + " cannot be read: "
          + e, e);
    }
  }
}
