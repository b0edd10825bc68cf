package dev.serving4j.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serving4j.onnx.Tensor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * The inputs of a bench run, read to match what the archive's handler takes ({@code accepts} answers whether the
 * handler's declared input type can take a class). The plan's {@code input} is one of:
 * <ul>
 *   <li>a built-in set: {@code corpus:mixed}, {@code corpus:short} (texts), {@code ocr:cls}, {@code ocr:rec}
 *       (rendered lines, {@link OcrWorkload}), {@code ocr:pages} (rendered 320 x 320 pages, {@link DetectorPages});
 *   <li>a folder: one input per file, in name order, decoded to a {@link BufferedImage} when the handler takes
 *       one, else the file's bytes when it takes {@code byte[]};
 *   <li>a {@code .jsonl} file: one JSON value per line, a string (a {@code String} input) or an object of named
 *       tensors {@code {"name": {"shape": [1, 3], "data": [...], "dtype": "float32"}}} (a {@code Map<String,
 *       Tensor>} input; {@code dtype} is {@code float32} (default), {@code int64} or {@code int32});
 *   <li>any other file: UTF-8 text, one input per non-blank line.
 * </ul>
 * Everything is read before the clock starts; a mismatch with the handler is an error naming the input and both
 * types.
 */
final class InputSet {
  private static final ObjectMapper JSON = new ObjectMapper();

  private InputSet() {}

  /** Reads {@code input} for a handler that takes the classes {@code accepts} allows. */
  static List<Object> read(String input, Predicate<Class<?>> accepts) {
    OcrWorkload ocr = OcrWorkload.named(input);
    if (ocr != null) {
      return checked(input, List.copyOf(ocr.images()), BufferedImage.class, accepts);
    }
    if (input.equals(DetectorPages.INPUT)) {
      return checked(input, List.copyOf(DetectorPages.images()), BufferedImage.class, accepts);
    }
    Path path = Path.of(input);
    if (!input.startsWith("corpus:") && Files.isDirectory(path)) {
      return folder(path, accepts);
    }
    if (input.endsWith(".jsonl")) {
      return jsonLines(path, accepts);
    }
    return checked(input, List.copyOf(Workload.texts(input)), String.class, accepts);
  }

  private static List<Object> folder(Path dir, Predicate<Class<?>> accepts) {
    boolean images = accepts.test(BufferedImage.class);
    if (!images && !accepts.test(byte[].class)) {
      throw new IllegalArgumentException("input folder " + dir + " gives images or bytes, but the archive's "
          + "handler takes neither BufferedImage nor byte[]");
    }
    List<Object> inputs = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(Files::isRegularFile)
          .filter(f -> !f.getFileName().toString().startsWith(".")).sorted().toList()) {
        inputs.add(images ? image(file) : Files.readAllBytes(file));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read input folder " + dir, e);
    }
    if (inputs.isEmpty()) {
      throw new IllegalArgumentException("input folder " + dir + " has no file");
    }
    return inputs;
  }

  private static BufferedImage image(Path file) throws IOException {
    BufferedImage image = ImageIO.read(file.toFile());
    if (image == null) {
      throw new IllegalArgumentException("input file " + file + " is not an image ImageIO can decode (PNG, JPEG, "
          + "BMP, GIF), and the archive's handler takes BufferedImage");
    }
    return image;
  }

  private static List<Object> jsonLines(Path file, Predicate<Class<?>> accepts) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read input file " + file, e);
    }
    List<Object> inputs = new ArrayList<>();
    Class<?> kind = null;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).isBlank()) {
        continue;
      }
      String where = file + " line " + (i + 1);
      Object value = jsonLine(where, lines.get(i));
      Class<?> k = value instanceof String ? String.class : Map.class;
      if (kind != null && k != kind) {
        throw new IllegalArgumentException(where + " is a " + k.getSimpleName() + " but earlier lines are "
            + kind.getSimpleName() + "s; one file holds one kind of input");
      }
      kind = k;
      inputs.add(value);
    }
    if (kind == null) {
      throw new IllegalArgumentException("input file " + file + " has no non-blank line");
    }
    return checked(file.toString(), inputs, kind, accepts);
  }

  private static Object jsonLine(String where, String line) {
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (IOException e) {
      throw new IllegalArgumentException(where + " is not JSON: " + e.getMessage(), e);
    }
    if (node.isTextual()) {
      return node.textValue();
    }
    if (!node.isObject() || node.isEmpty()) {
      throw new IllegalArgumentException(where + " must be a JSON string or an object of named tensors "
          + "{\"name\": {\"shape\": [...], \"data\": [...]}}, was " + node.getNodeType());
    }
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    node.fields().forEachRemaining(f -> tensors.put(f.getKey(), tensor(where + " tensor '" + f.getKey() + "'",
        f.getValue())));
    return tensors;
  }

  /** One {@code {"shape": [...], "data": [...], "dtype": ...}} object as a tensor. */
  static Tensor tensor(String where, JsonNode t) {
    JsonNode shapeNode = t.get("shape");
    JsonNode data = t.get("data");
    if (shapeNode == null || !shapeNode.isArray() || data == null || !data.isArray()) {
      throw new IllegalArgumentException(where + " needs arrays \"shape\" and \"data\", was " + t);
    }
    long[] shape = new long[shapeNode.size()];
    long elements = 1;
    for (int i = 0; i < shape.length; i++) {
      shape[i] = shapeNode.get(i).asLong(-1);
      if (!shapeNode.get(i).canConvertToLong() || shape[i] < 0) {
        throw new IllegalArgumentException(where + ": shape must hold non-negative integers, was " + shapeNode);
      }
      elements *= shape[i];
    }
    if (elements != data.size()) {
      throw new IllegalArgumentException(where + ": shape " + shapeNode + " holds " + elements
          + " elements, but data has " + data.size());
    }
    String dtype = t.has("dtype") ? t.get("dtype").asText() : "float32";
    return switch (dtype) {
      case "float32" -> {
        float[] v = new float[data.size()];
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) data.get(i).asDouble();
        }
        yield Tensor.of(v, shape);
      }
      case "int64" -> Tensor.of(longs(data), shape);
      case "int32" -> Tensor.of(java.util.Arrays.stream(longs(data)).mapToInt(Math::toIntExact).toArray(), shape);
      default -> throw new IllegalArgumentException(where + ": dtype must be float32, int64 or int32, was '"
          + dtype + "'");
    };
  }

  private static long[] longs(JsonNode data) {
    long[] v = new long[data.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = data.get(i).asLong();
    }
    return v;
  }

  private static List<Object> checked(String input, List<Object> inputs, Class<?> type,
      Predicate<Class<?>> accepts) {
    if (!accepts.test(type)) {
      throw new IllegalArgumentException("input " + input + " gives " + type.getSimpleName() + " inputs, which the "
          + "archive's handler does not take (its declared inputType() is another type)");
    }
    return inputs;
  }
}
