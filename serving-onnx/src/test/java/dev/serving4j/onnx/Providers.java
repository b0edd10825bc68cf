package dev.serving4j.onnx;

import java.lang.module.ModuleDescriptor;
import java.util.List;
import java.util.ServiceLoader;

/**
 * What serving-onnx provides for a service, as serving-core's {@link ServiceLoader} would see it: on the module
 * path the module descriptor's {@code provides} (a module may only load services it {@code uses}, and only the core
 * does), on the class path {@code META-INF/services}. Either way each provider is instantiated as the loader would.
 */
final class Providers {
  private Providers() {}

  static <S> List<S> of(Class<S> service) {
    Module module = OnnxEngineProvider.class.getModule();
    if (!module.isNamed()) {
      return ServiceLoader.load(service).stream().map(ServiceLoader.Provider::get).toList();
    }
    return module.getDescriptor().provides().stream()
        .filter(p -> p.service().equals(service.getName()))
        .map(ModuleDescriptor.Provides::providers)
        .flatMap(List::stream)
        .map(name -> instantiate(service, name))
        .toList();
  }

  private static <S> S instantiate(Class<S> service, String name) {
    try {
      return service.cast(Class.forName(name).getConstructor().newInstance());
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("provider " + name + " of " + service.getName() + " cannot be created", e);
    }
  }
}
