package dev.serving4j.internal.metrics;

import io.micrometer.core.instrument.Tags;

/** Validates the name and tags a handler gives for a custom meter; shared by the real and the no-op factory. */
public final class CustomMeterTags {
  private CustomMeterTags() {}

  /**
   * Returns {@code tags} as Micrometer tags.
   *
   * @throws IllegalArgumentException when the name is blank, the tags are not key/value pairs, a key or value is
   *     null or blank, or a key is {@code model} or {@code version} (which serving4j adds itself)
   */
  public static Tags userTags(String name, String[] tags) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("custom meter name must not be blank, was '" + name + "'");
    }
    if (tags == null || tags.length % 2 != 0) {
      throw new IllegalArgumentException("tags of custom meter '" + name + "' must be key/value pairs, got "
          + (tags == null ? "null" : tags.length + " strings"));
    }
    for (int i = 0; i < tags.length; i += 2) {
      String key = tags[i];
      if (key == null || key.isBlank() || tags[i + 1] == null) {
        throw new IllegalArgumentException("custom meter '" + name + "' has a blank tag key or a null value at "
            + "position " + i);
      }
      if (key.equals(VersionMeters.MODEL) || key.equals(VersionMeters.VERSION)) {
        throw new IllegalArgumentException("custom meter '" + name + "': tag '" + key
            + "' is reserved; serving4j adds it itself");
      }
    }
    return Tags.of(tags);
  }
}
