package dev.serving4j.internal;

import dev.serving4j.ServingException;
import dev.serving4j.spi.EngineProvider;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** Finds {@link EngineProvider}s on the class path by name. */
public final class EngineLookup {
  private final Map<String, EngineProvider> providers = new TreeMap<>();

  /** Loads every provider visible to {@code loader}. */
  public EngineLookup(ClassLoader loader) {
    for (EngineProvider p : ServiceLoader.load(EngineProvider.class, loader)) {
      providers.putIfAbsent(p.name(), p);
    }
  }

  /**
   * Returns the provider named {@code name}.
   *
   * @throws ServingException naming the engine and the ones that are available
   */
  public EngineProvider get(String name, String modelLabel) {
    EngineProvider p = providers.get(name);
    if (p == null) {
      throw new ServingException(modelLabel + ": engine '" + name + "' is not on the class path (available: "
          + providers.keySet() + "); for 'onnxruntime' add dev.serving4j:serving-onnx");
    }
    return p;
  }
}
