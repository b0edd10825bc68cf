package dev.serving4j.internal.config;

import static dev.serving4j.internal.config.ConfigFields.ALL;
import static dev.serving4j.internal.config.ConfigFields.MAX_WORKERS;
import static dev.serving4j.internal.config.ConfigFields.MIN_WORKERS;
import static dev.serving4j.internal.config.ConfigFields.WORKERS;

import dev.serving4j.InvalidConfigException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The values of one configuration, one slot per {@link ConfigFields} field, and which of them were set explicitly.
 * A builder holds a mutable instance; {@link #resolve()} gives the frozen one a {@code ModelConfig} keeps, with
 * derived fields filled in and the rules that span fields checked. A field never set stays unset in
 * {@link #unsetCopy()}, so a configuration derived from another derives it again.
 */
public final class ConfigValues {
  private final Object[] values;
  private final boolean[] explicit;

  private ConfigValues(Object[] values, boolean[] explicit) {
    this.values = values;
    this.explicit = explicit;
  }

  /** Every field at its default, none set (derived fields stay empty until {@link #resolve()}). */
  public static ConfigValues defaults() {
    return new ConfigValues(ALL.stream().map(ConfigField::defaultValue).toArray(), new boolean[ALL.size()]);
  }

  /** A mutable copy holding the fields set here; the others are back at their defaults (or unset). */
  public ConfigValues unsetCopy() {
    ConfigValues copy = defaults();
    for (int i = 0; i < values.length; i++) {
      if (explicit[i]) {
        copy.values[i] = values[i];
        copy.explicit[i] = true;
      }
    }
    return copy;
  }

  /** The value of {@code field}. */
  @SuppressWarnings("unchecked")
  public <T> T get(ConfigField<T> field) {
    return (T) values[field.index()];
  }

  /**
   * Whether the field named {@code name} was set explicitly; {@code workers} is set when both bounds are.
   *
   * @throws InvalidConfigException when {@code name} names no field
   */
  public boolean isSet(String name) {
    ConfigField<?> f = ConfigFields.find(name);
    return f == WORKERS ? explicit[MIN_WORKERS.index()] && explicit[MAX_WORKERS.index()] : explicit[f.index()];
  }

  /**
   * Checks {@code value} against {@code field}'s rule and sets it (the {@code workers} shorthand sets both bounds).
   *
   * @throws InvalidConfigException naming the field, the value and the valid range
   */
  public <T> void set(ConfigField<T> field, T value) {
    T checked = field.check(value);
    if (field == WORKERS) {
      set(MIN_WORKERS, (Integer) checked);
      set(MAX_WORKERS, (Integer) checked);
      return;
    }
    values[field.index()] = checked;
    explicit[field.index()] = true;
  }

  /** Sets one entry of a map-valued field, keeping the others. */
  public void put(ConfigField<Map<String, String>> field, String key, String value) {
    Map<String, String> merged = new LinkedHashMap<>(get(field));
    merged.put(key, value);
    set(field, merged);
  }

  /**
   * Applies plain JSON values keyed by field name; map-valued fields are merged key by key.
   *
   * @throws InvalidConfigException for a null or unknown key or a value of the wrong type or out of range
   */
  public void apply(Map<String, ?> json) {
    if (json != null) {
      json.forEach((key, value) -> applyOne(ConfigFields.find(key), value));
    }
  }

  /**
   * Returns a frozen copy with derived fields that were never set filled in (such as {@code maxWorkers} from
   * {@code minWorkers}), once the rules that span fields hold.
   *
   * @throws InvalidConfigException naming both fields of a broken rule
   */
  public ConfigValues resolve() {
    Object[] resolved = values.clone();
    for (ConfigField<?> f : ALL) {
      if (resolved[f.index()] == null && f.derivedFrom() != null) {
        resolved[f.index()] = resolved[f.derivedFrom().index()];
      }
    }
    ConfigFields.checkAcrossFields(resolved);
    return new ConfigValues(resolved, explicit.clone());
  }

  /** The fields set explicitly as plain JSON values, in table order. */
  public Map<String, Object> explicitToJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    ALL.stream().filter(f -> explicit[f.index()]).forEach(f -> m.put(f.name(), f.toJson(values[f.index()])));
    return m;
  }

  /** Every field as a plain JSON value, in table order. */
  public Map<String, Object> allToJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    ALL.forEach(f -> m.put(f.name(), f.toJson(values[f.index()])));
    return m;
  }

  /** Equal when every value is, whether set explicitly or by default. */
  @Override
  public boolean equals(Object o) {
    return o instanceof ConfigValues v && Arrays.equals(values, v.values);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(values);
  }

  private <T> void applyOne(ConfigField<T> field, Object json) {
    T value = field.parse(json);
    if (field.shape() == ConfigField.JsonShape.SCALAR_MAP) {
      @SuppressWarnings("unchecked")
      Map<String, String> entries = (Map<String, String>) value;
      @SuppressWarnings("unchecked")
      ConfigField<Map<String, String>> map = (ConfigField<Map<String, String>>) field;
      entries.forEach((k, v) -> put(map, k, v));
    } else {
      set(field, value);
    }
  }
}
