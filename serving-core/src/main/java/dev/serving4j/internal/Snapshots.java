package dev.serving4j.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.serving4j.ServingException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes a server's snapshot: which archives are registered, with which config, which version is the
 * default, the traffic split and the shadow. Unlike TorchServe's snapshots, ours are written only when asked,
 * atomically, name archives by local path only (never a URL), and are validated whole before anything is
 * registered from them.
 */
public final class Snapshots {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  /** Format version written into every snapshot. */
  public static final int FORMAT = 1;

  private Snapshots() {}

  /**
   * One registered version.
   *
   * @param version its version string
   * @param archive the archive it was opened from
   * @param config its config, in the manifest's config format
   */
  public record VersionEntry(String version, Path archive, Map<String, Object> config) {}

  /**
   * One model.
   *
   * @param name its name
   * @param defaultVersion its default version
   * @param trafficSplit its split (may be empty)
   * @param shadowVersion the shadow version, or null
   * @param shadowFraction the shadow's fraction
   * @param versions its versions in registration order
   */
  public record ModelEntry(String name, String defaultVersion, Map<String, Integer> trafficSplit,
      String shadowVersion, double shadowFraction, List<VersionEntry> versions) {}

  /** Writes {@code models} to {@code file} atomically (a temp file moved over it). */
  public static void write(Path file, List<ModelEntry> models) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("snapshotFormat", FORMAT);
    List<Object> list = new ArrayList<>();
    for (ModelEntry m : models) {
      Map<String, Object> node = new LinkedHashMap<>();
      node.put("name", m.name());
      node.put("defaultVersion", m.defaultVersion());
      node.put("trafficSplit", m.trafficSplit());
      if (m.shadowVersion() != null) {
        node.put("shadow", Map.of("version", m.shadowVersion(), "fraction", m.shadowFraction()));
      }
      List<Object> versions = new ArrayList<>();
      for (VersionEntry v : m.versions()) {
        versions.add(Map.of("version", v.version(), "archive", v.archive().toAbsolutePath().toString(),
            "config", v.config()));
      }
      node.put("versions", versions);
      list.add(node);
    }
    root.put("models", list);
    try {
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, ".snapshot-", ".tmp");
      JSON.writeValue(tmp.toFile(), root);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new ServingException("could not write snapshot " + file + ": " + e.getMessage(), e);
    }
  }

  /** Reads and validates a snapshot; every error names the file and the field. */
  public static List<ModelEntry> read(Path file) {
    JsonNode root;
    try {
      if (Files.size(file) > 16 * 1024 * 1024) {
        throw bad(file, "(file)", "is larger than 16 MiB");
      }
      root = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new ServingException("snapshot " + file + " is not readable JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject() || root.path("snapshotFormat").asInt(-1) != FORMAT) {
      throw bad(file, "snapshotFormat", "must be " + FORMAT);
    }
    JsonNode models = root.path("models");
    if (!models.isArray()) {
      throw bad(file, "models", "must be an array");
    }
    List<ModelEntry> out = new ArrayList<>();
    for (JsonNode m : models) {
      String name = text(file, m, "name");
      List<VersionEntry> versions = new ArrayList<>();
      JsonNode vs = m.path("versions");
      if (!vs.isArray() || vs.isEmpty()) {
        throw bad(file, name + ".versions", "must be a non-empty array");
      }
      for (JsonNode v : vs) {
        Path archive = Path.of(text(file, v, "archive"));
        if (!Files.exists(archive)) {
          throw bad(file, name + ".versions.archive", "names " + archive + ", which does not exist");
        }
        JsonNode config = v.path("config");
        if (!config.isObject()) {
          throw bad(file, name + ".versions.config", "must be an object");
        }
        versions.add(new VersionEntry(text(file, v, "version"), archive, JSON.convertValue(config, Map.class)));
      }
      Map<String, Integer> split = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = m.path("trafficSplit").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> w = it.next();
        if (!w.getValue().isInt()) {
          throw bad(file, name + ".trafficSplit." + w.getKey(), "must be an integer");
        }
        split.put(w.getKey(), w.getValue().intValue());
      }
      JsonNode shadow = m.path("shadow");
      out.add(new ModelEntry(name, text(file, m, "defaultVersion"), split,
          shadow.isObject() ? text(file, shadow, "version") : null, shadow.path("fraction").asDouble(0), versions));
    }
    return out;
  }

  private static String text(Path file, JsonNode node, String field) {
    JsonNode v = node.path(field);
    if (!v.isTextual() || v.asText().isBlank()) {
      throw bad(file, field, "must be a non-blank string");
    }
    return v.asText();
  }

  private static ServingException bad(Path file, String field, String problem) {
    return new ServingException("snapshot " + file + ": field '" + field + "' " + problem);
  }
}
