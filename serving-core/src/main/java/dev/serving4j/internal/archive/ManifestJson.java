package dev.serving4j.internal.archive;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.serving4j.ArchiveException;
import dev.serving4j.InvalidConfigException;
import dev.serving4j.Manifest;
import dev.serving4j.internal.config.ConfigField;
import dev.serving4j.internal.config.ConfigField.JsonShape;
import dev.serving4j.internal.config.ConfigFields;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads and writes {@code MANIFEST.json}. Reading parses into a Jackson tree and checks every field's JSON type by
 * hand, so a wrong type is reported as "manifest field 'config.maxBatchSize' must be a number, was string" rather
 * than as a data-binding stack trace; the {@link Manifest} constructor then checks the values. Unknown fields and
 * duplicate keys are errors. Writing is pretty-printed with a fixed key order, so equal manifests give equal bytes.
 */
public final class ManifestJson {
  /** The manifest's name at the root of every archive. */
  public static final String FILE_NAME = "MANIFEST.json";
  /** The largest manifest accepted, in bytes (1 MiB). */
  public static final int MAX_BYTES = 1 << 20;

  /** The top-level fields, in the order they are written. */
  static final List<String> FIELDS = List.of("manifestVersion", "modelName", "modelVersion", "handler", "engine",
      "modelFile", "files", "config", "handlerProperties", "description", "createdOn", "warmupFiles");

  // Configured once and never reconfigured: ObjectMapper is then thread-safe.
  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private final JsonNode root;
  private final String where;

  private ManifestJson(JsonNode root, String where) {
    this.root = root;
    this.where = where;
  }

  /**
   * Parses and validates a manifest.
   *
   * @param where how messages name the archive, such as {@code archive '/models/a.s4j'}
   * @throws ArchiveException naming the archive and the field when anything is wrong
   */
  public static Manifest read(byte[] json, String where) {
    if (json.length > MAX_BYTES) {
      throw new ArchiveException(where + ": " + FILE_NAME + " is " + json.length + " bytes, more than the "
          + MAX_BYTES + "-byte limit");
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(utf8(json, where));
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String position = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw new ArchiveException(where + ": " + FILE_NAME + " is not valid JSON" + position + ": "
          + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new ArchiveException(where + ": " + FILE_NAME + " cannot be read: " + e, e);
    }
    if (root == null || !root.isObject()) {
      throw new ArchiveException(where + ": " + FILE_NAME + " must hold a JSON object, was " + typeOf(root));
    }
    return new ManifestJson(root, where).toManifest();
  }

  /**
   * Decodes the manifest strictly as UTF-8, the format's only encoding. Jackson alone would detect UTF-16 and UTF-32
   * from the first bytes and accept them; a NUL byte (which UTF-16 and UTF-32 text has, and JSON text never does), a
   * byte-order mark or a malformed sequence is refused instead.
   */
  private static String utf8(byte[] json, String where) {
    boolean foreign = json.length >= 2 && ((json[0] == (byte) 0xFE && json[1] == (byte) 0xFF)
        || (json[0] == (byte) 0xFF && json[1] == (byte) 0xFE)
        || (json.length >= 3 && json[0] == (byte) 0xEF && json[1] == (byte) 0xBB && json[2] == (byte) 0xBF));
    for (int i = 0; !foreign && i < json.length; i++) {
      foreign = json[i] == 0;
    }
    if (foreign) {
      throw new ArchiveException(where + ": " + FILE_NAME + " is not valid JSON here: it must be UTF-8 without a "
          + "byte-order mark, and looks like UTF-16, UTF-32 or a file with a BOM");
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
          .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(json)).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new ArchiveException(where + ": " + FILE_NAME + " is not valid JSON here: it must be UTF-8, and holds a "
          + "malformed UTF-8 sequence (" + e + ")", e);
    }
  }

  /** Writes {@code manifest} as pretty-printed UTF-8 JSON with a fixed key order and a final newline. */
  public static byte[] write(Manifest manifest) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("manifestVersion", manifest.manifestVersion());
    node.put("modelName", manifest.modelName());
    node.put("modelVersion", manifest.modelVersion());
    node.put("handler", manifest.handler());
    node.put("engine", manifest.engine());
    node.put("modelFile", manifest.modelFile());
    node.set("files", MAPPER.valueToTree(new TreeMap<>(manifest.files())));
    node.set("config", MAPPER.valueToTree(manifest.config()));
    node.set("handlerProperties", MAPPER.valueToTree(new TreeMap<>(manifest.handlerProperties())));
    node.put("description", manifest.description());
    node.put("createdOn", manifest.createdOn().toString());
    node.set("warmupFiles", MAPPER.valueToTree(manifest.warmupFiles()));
    try {
      String text = MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node) + "\n";
      return text.getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a manifest tree", e);
    }
  }

  /**
   * Returns {@code values} as the plain JSON values a manifest read back from disk would hold (for example a
   * {@code Long} that fits becomes an {@code Integer}), so built and re-read manifests are equal.
   *
   * @throws InvalidConfigException if a value is not a string, number, boolean, null, list or string-keyed map
   */
  public static Map<String, Object> toJsonValues(String field, Map<String, ?> values) {
    requireJsonValue(field, values);
    @SuppressWarnings("unchecked")
    Map<String, Object> plain = (Map<String, Object>) toJava(MAPPER.valueToTree(values));
    return plain;
  }

  /** Parses a JSON object of config values, as the CLI's {@code --config} file holds. */
  public static Map<String, Object> readConfigObject(byte[] json, String where) {
    try {
      JsonNode node = MAPPER.readTree(json);
      if (node == null || !node.isObject()) {
        throw new ArchiveException(where + " must hold a JSON object, was " + typeOf(node));
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> values = (Map<String, Object>) toJava(node);
      return values;
    } catch (IOException e) {
      throw new ArchiveException(where + " is not valid JSON: " + e.getMessage(), e);
    }
  }

  private Manifest toManifest() {
    rejectUnknownFields();
    JsonNode version = required("manifestVersion");
    if (!version.isIntegralNumber() || !version.canConvertToInt()) {
      throw wrongType("manifestVersion", "a whole number", version);
    }
    Map<String, String> files = stringMap("files", required("files"));
    if (files.containsKey(FILE_NAME)) {
      throw field("files", "must not list " + FILE_NAME + " itself");
    }
    String modelName = string("modelName", required("modelName"));
    String modelVersion = string("modelVersion", required("modelVersion"));
    String handler = string("handler", required("handler"));
    String engine = string("engine", root.get("engine"));
    String modelFile = string("modelFile", root.get("modelFile"));
    Map<String, Object> config = config(root.get("config"));
    Map<String, String> handlerProperties = stringMap("handlerProperties", root.get("handlerProperties"));
    String description = string("description", root.get("description"));
    Instant createdOn = instant("createdOn", required("createdOn"));
    List<String> warmupFiles = stringList("warmupFiles", root.get("warmupFiles"));
    try {
      return new Manifest(version.intValue(), modelName, modelVersion, handler, engine, modelFile, files, config,
          handlerProperties, description, createdOn, warmupFiles);
    } catch (ArchiveException e) {
      // The record names the field; add which archive it came from.
      throw new ArchiveException(where + ": " + e.getMessage(), e);
    }
  }

  private void rejectUnknownFields() {
    Set<String> unknown = new TreeSet<>();
    root.properties().forEach(e -> unknown.add(e.getKey()));
    unknown.removeAll(FIELDS);
    if (!unknown.isEmpty()) {
      List<String> shown = unknown.stream().map(ManifestJson::quote).toList();
      throw new ArchiveException(where + ": " + FILE_NAME + " has unknown field" + (shown.size() > 1 ? "s " : " ")
          + String.join(", ", shown) + "; known fields: " + String.join(", ", FIELDS));
    }
  }

  private JsonNode required(String name) {
    JsonNode node = root.get(name);
    if (node == null || node.isNull()) {
      throw field(name, "is required");
    }
    return node;
  }

  private String string(String name, JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw wrongType(name, "a string", node);
    }
    return node.textValue();
  }

  private Instant instant(String name, JsonNode node) {
    String text = string(name, node);
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw field(name, "must be an ISO-8601 instant such as \"2025-01-31T12:00:00Z\", was " + quote(text));
    }
  }

  private Map<String, String> stringMap(String name, JsonNode node) {
    if (node == null || node.isNull()) {
      return Map.of();
    }
    if (!node.isObject()) {
      throw wrongType(name, "an object", node);
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      values.put(e.getKey(), string(name + "." + e.getKey(), requireValue(name + "." + e.getKey(), e.getValue())));
    }
    return values;
  }

  private List<String> stringList(String name, JsonNode node) {
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw wrongType(name, "an array of strings", node);
    }
    List<String> values = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      values.add(string(name + "[" + i + "]", requireValue(name + "[" + i + "]", node.get(i))));
    }
    return values;
  }

  /**
   * Checks the JSON shape of each known config field, as its descriptor in {@link ConfigFields} declares it; values
   * and unknown keys are left to {@code ModelConfig}.
   */
  private Map<String, Object> config(JsonNode node) {
    if (node == null || node.isNull()) {
      return Map.of();
    }
    if (!node.isObject()) {
      throw wrongType("config", "an object", node);
    }
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      ConfigField<?> field = ConfigFields.lookup(e.getKey());
      if (field != null) {
        checkShape("config." + e.getKey(), field.shape(), e.getValue());
      }
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> values = (Map<String, Object>) toJava(node);
    return values;
  }

  private void checkShape(String name, JsonShape shape, JsonNode value) {
    if (shape == JsonShape.SCALAR_MAP) {
      checkScalarMap(name, value);
    } else if (shape.element() != null && value.isArray()) {
      for (int i = 0; i < value.size(); i++) {
        checkShape(name + "[" + i + "]", shape.element(), value.get(i));
      }
    } else if (!hasShape(shape, value)) {
      throw wrongType(name, shape.expected(), value);
    }
  }

  private static boolean hasShape(JsonShape shape, JsonNode value) {
    return switch (shape) {
      case NUMBER -> value.isNumber();
      case DURATION -> value.isTextual() || value.isNumber();
      case STRING, STRINGS -> value.isTextual();
      case BOOLEAN -> value.isBoolean();
      default -> false; // an array shape given something other than an array
    };
  }

  private void checkScalarMap(String name, JsonNode value) {
    if (!value.isObject()) {
      throw wrongType(name, "an object", value);
    }
    for (Map.Entry<String, JsonNode> e : value.properties()) {
      if (!e.getValue().isValueNode() || e.getValue().isNull()) {
        throw wrongType(name + "." + e.getKey(), "a string, number or boolean", e.getValue());
      }
    }
  }

  private JsonNode requireValue(String name, JsonNode node) {
    if (node == null || node.isNull()) {
      throw wrongType(name, "a string", node);
    }
    return node;
  }

  private ArchiveException wrongType(String name, String expected, JsonNode actual) {
    return field(name, "must be " + expected + ", was " + typeOf(actual));
  }

  private ArchiveException field(String name, String problem) {
    return new ArchiveException(where + ": manifest field '" + name + "' " + problem);
  }

  private static Object toJava(JsonNode node) {
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      node.properties().forEach(e -> map.put(e.getKey(), toJava(e.getValue())));
      return Collections.unmodifiableMap(map);
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      node.forEach(item -> list.add(toJava(item)));
      return Collections.unmodifiableList(list);
    }
    if (node.isIntegralNumber()) {
      return node.canConvertToInt() ? (Object) node.intValue()
          : node.canConvertToLong() ? (Object) node.longValue() : node.bigIntegerValue();
    }
    if (node.isNumber()) {
      return node.numberValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    return node.isNull() ? null : node.textValue();
  }

  private static void requireJsonValue(String field, Object value) {
    if (value == null || value instanceof String || value instanceof Boolean || value instanceof Integer
        || value instanceof Long || value instanceof Short || value instanceof Byte || value instanceof Double
        || value instanceof Float || value instanceof BigDecimal || value instanceof BigInteger) {
      return;
    }
    if (value instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        requireJsonValue(field + "[" + i + "]", list.get(i));
      }
    } else if (value instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!(e.getKey() instanceof String key)) {
          throw new InvalidConfigException(field + " keys must be strings, was " + e.getKey());
        }
        requireJsonValue(field.isEmpty() ? key : field + "." + key, e.getValue());
      }
    } else {
      throw new InvalidConfigException(field + " must be a string, number, boolean, list or map, was "
          + value.getClass().getName());
    }
  }

  private static String typeOf(JsonNode node) {
    return node == null ? "missing" : node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
  }

  private static String quote(String s) {
    return s == null ? "null" : "'" + (s.length() > 80 ? s.substring(0, 80) + "..." : s) + "'";
  }
}
