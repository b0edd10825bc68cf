package dev.serving4j.spring;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Turns one model's properties into the map {@code ModelConfig.Builder.apply} takes, the same shape as a manifest's
 * {@code config} section, so that {@code ModelConfig} checks every value itself and its messages name the field.
 *
 * <p>A property is text; a manifest value is typed. The text is read as a manifest writer would have typed it: a whole
 * number is a number, {@code true}/{@code false} a boolean, text with commas a list of such values, anything else
 * a string (durations, enum names, devices). So {@code maxBatchSize=abc} reaches {@code ModelConfig} as the string
 * {@code abc} and is rejected there. Keys may be written kebab-case ({@code max-batch-size}).
 */
final class ModelConfigOverrides {
  private static final Pattern WHOLE = Pattern.compile("[-+]?\\d+");

  private ModelConfigOverrides() {}

  /** The typed config map for {@code model}: its config entries plus its handler properties and engine options. */
  static Map<String, Object> of(Serving4jProperties.Model model) {
    Map<String, Object> values = new LinkedHashMap<>();
    model.getConfig().forEach((key, text) -> values.put(camelCase(key), value(text)));
    if (!model.getHandlerProperties().isEmpty()) {
      values.put("handlerProperties", Map.copyOf(model.getHandlerProperties()));
    }
    if (!model.getEngineOptions().isEmpty()) {
      values.put("engineOptions", Map.copyOf(model.getEngineOptions()));
    }
    return values;
  }

  static String camelCase(String key) {
    StringBuilder out = new StringBuilder(key.length());
    boolean upper = false;
    for (char c : key.toCharArray()) {
      if (c == '-') {
        upper = true;
      } else {
        out.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return out.toString();
  }

  static Object value(String text) {
    if (text == null) {
      return null;
    }
    if (text.indexOf(',') >= 0) {
      List<Object> list = new ArrayList<>();
      for (String part : text.split(",")) {
        list.add(scalar(part.trim()));
      }
      return list;
    }
    return scalar(text.trim());
  }

  private static Object scalar(String text) {
    if (text.equals("true") || text.equals("false")) {
      return Boolean.valueOf(text);
    }
    if (WHOLE.matcher(text).matches()) {
      try {
        long value = Long.parseLong(text);
        return value == (int) value ? (Object) (int) value : (Object) value;
      } catch (NumberFormatException e) {
        return text; // too large for a long: let ModelConfig say it is not a whole number it accepts
      }
    }
    return text;
  }
}
