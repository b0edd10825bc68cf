package dev.serving4j.spring;

import dev.serving4j.InvalidConfigException;
import dev.serving4j.ModelDescription;
import dev.serving4j.ModelServer;
import java.nio.file.Path;
import java.util.Map;

/**
 * Registers the models named by {@code serving4j.models.<name>.*} on a server, in property order. A failure names
 * the property prefix of the model that failed; {@code ModelConfig}'s own message names the field.
 */
final class PropertyModels {
  private PropertyModels() {}

  static void registerAll(ModelServer server, Map<String, Serving4jProperties.Model> models) {
    models.forEach((name, model) -> register(server, name, model));
  }

  private static void register(ModelServer server, String name, Serving4jProperties.Model model) {
    String prefix = "serving4j.models." + name;
    if (model.getArchive() == null || model.getArchive().isBlank()) {
      throw new InvalidConfigException(prefix + ".archive is required: the path of the model's .s4j archive or"
          + " archive directory");
    }
    Map<String, Object> overrides = ModelConfigOverrides.of(model);
    ModelDescription registered;
    try {
      registered = server.register(Path.of(model.getArchive()), b -> b.apply(overrides));
    } catch (InvalidConfigException e) {
      throw new InvalidConfigException(prefix + ": " + e.getMessage(), e);
    }
    if (!registered.name().equals(name)) {
      server.unregister(registered.name());
      throw new InvalidConfigException(prefix + ".archive " + model.getArchive() + " holds model '"
          + registered.name() + "', not '" + name + "': rename the property to serving4j.models."
          + registered.name());
    }
  }
}
