package dev.serving4j.internal.config;

import dev.serving4j.InvalidConfigException;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * One {@code ModelConfig} field, described once: its name, its value type (how a manifest value is read, written
 * and shaped in JSON), its default, and the rule each value must pass. {@link ConfigFields} lists them; the config's
 * setters, {@code apply}, {@code toMap}, equality, the manifest reader's type checks and the test that holds
 * {@code docs/configuration.md} to the code all read these descriptors rather than repeating the field.
 *
 * <p>A field either has a fixed default or, like {@code maxWorkers}, takes another field's value while it was
 * never set (its "unset" state), so a derived configuration keeps deriving it.
 *
 * @param <T> the Java type of the value
 */
public final class ConfigField<T> {
  /** The JSON shape a manifest's value must have; checked by the manifest reader before the value is parsed. */
  public enum JsonShape {
    /** A JSON number. */
    NUMBER("a number"),
    /** A duration string or a number of milliseconds. */
    DURATION("a duration string such as \"5ms\" or a number of milliseconds"),
    /** A JSON string. */
    STRING("a string"),
    /** {@code true} or {@code false}. */
    BOOLEAN("true or false"),
    /** A string or an array of strings. */
    STRINGS("a string or an array of strings"),
    /** An array of numbers. */
    NUMBERS("an array of numbers"),
    /** An array of durations. */
    DURATIONS("an array of durations"),
    /** An object whose values are strings, numbers or booleans. */
    SCALAR_MAP("an object");

    private final String expected;

    JsonShape(String expected) {
      this.expected = expected;
    }

    /** How a message names the shape, such as "a number". */
    public String expected() {
      return expected;
    }

    /** The shape of each element of an array shape, or null for a shape that is not an array. */
    public JsonShape element() {
      return switch (this) {
        case STRINGS -> STRING;
        case NUMBERS -> NUMBER;
        case DURATIONS -> DURATION;
        default -> null;
      };
    }
  }

  /**
   * A value type: how docs name it, its JSON shape, how a plain JSON value becomes a {@code T} (naming the field
   * on failure), how a {@code T} is written back, and how a checked value is made immutable.
   */
  record Type<T>(String docs, JsonShape shape, BiFunction<String, Object, T> parser, Function<T, Object> printer,
      UnaryOperator<T> freeze) {}

  /** What every value must satisfy, and how the docs' "valid range" column says it. */
  record Rule<T>(String text, BiConsumer<String, T> check) {}

  private final int index;
  private final String name;
  private final Type<T> type;
  private final T defaultValue;
  private final Rule<T> rule;
  private final ConfigField<T> derivedFrom;

  ConfigField(int index, String name, Type<T> type, T defaultValue, Rule<T> rule, ConfigField<T> derivedFrom) {
    this.index = index;
    this.name = name;
    this.type = type;
    this.defaultValue = defaultValue;
    this.rule = rule;
    this.derivedFrom = derivedFrom;
  }

  /** The field's name, as in manifests, {@code toMap} and the docs. */
  public String name() {
    return name;
  }

  /** The field's slot in a configuration's value array; -1 for a shorthand that stores nothing itself. */
  public int index() {
    return index;
  }

  /** The default, or null when the field is derived or a shorthand. */
  public T defaultValue() {
    return defaultValue;
  }

  /** The field whose value this one takes while it was never set, or null. */
  public ConfigField<T> derivedFrom() {
    return derivedFrom;
  }

  /** The JSON shape a manifest's value must have. */
  public JsonShape shape() {
    return type.shape();
  }

  /**
   * Returns {@code value}, immutable, once it passed the field's rule.
   *
   * @throws InvalidConfigException naming the field, the value and the valid range
   */
  public T check(T value) {
    if (value == null) {
      throw new InvalidConfigException(name + " must not be null");
    }
    rule.check().accept(name, value);
    return type.freeze().apply(value);
  }

  /**
   * Reads a plain JSON value (as a manifest's {@code config} section holds) as this field's type; the value is
   * checked when it is set.
   *
   * @throws InvalidConfigException naming the field when the value has the wrong type
   */
  public T parse(Object json) {
    return type.parser().apply(name, json);
  }

  /** Writes {@code value} (of this field) as a plain JSON value. */
  @SuppressWarnings("unchecked")
  public Object toJson(Object value) {
    return type.printer().apply((T) value);
  }

  /** The type as the docs' table writes it, such as {@code int} or {@code duration}. */
  public String docsType() {
    return type.docs();
  }

  /** The default as the docs' table writes it, such as {@code 5ms}, {@code [cpu]} or {@code = minWorkers}. */
  public String docsDefault() {
    if (derivedFrom != null) {
      return "= " + derivedFrom.name;
    }
    if (defaultValue == null) {
      return "—";
    }
    Object json = toJson(defaultValue);
    if (json instanceof List<?> list) {
      return list.toString();
    }
    return json instanceof Map<?, ?> map ? map.toString() : String.valueOf(json);
  }

  /** The valid range as the docs' table writes it, such as {@code 1..65536} or {@code 1ms..1d}. */
  public String docsRange() {
    return rule.text();
  }

  @Override
  public String toString() {
    return name;
  }
}
