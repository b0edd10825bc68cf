package dev.serving4j.internal;

import dev.serving4j.Handler;
import dev.serving4j.HandlerException;
import dev.serving4j.spi.HandlerProvider;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Supplier;

/**
 * Turns a manifest's {@code handler} field into a factory of handler instances. Looked up in order: aliases given
 * to the server's builder, aliases of {@link HandlerProvider}s on the class path, then a class name, which must
 * name a public {@link Handler} class with a public no-argument constructor visible to the server's class loader.
 * Nothing is loaded from anywhere else.
 */
public final class HandlerResolver {
  private final Map<String, Supplier<? extends Handler<?, ?>>> aliases = new HashMap<>();
  private final ClassLoader loader;
  private final java.util.function.Predicate<String> classFilter;

  /** Collects the builder's aliases and the class path's providers; {@code classFilter} vets class names. */
  public HandlerResolver(Map<String, Supplier<? extends Handler<?, ?>>> builderAliases, ClassLoader loader,
      java.util.function.Predicate<String> classFilter) {
    this.loader = loader;
    this.classFilter = classFilter;
    for (HandlerProvider p : ServiceLoader.load(HandlerProvider.class, loader)) {
      aliases.putIfAbsent(p.alias(), p::create);
    }
    aliases.putAll(builderAliases);
  }

  /**
   * Returns a factory for {@code handler}, checked now so registration fails fast.
   *
   * @throws HandlerException naming the handler and what was wrong with it
   */
  public Supplier<? extends Handler<?, ?>> resolve(String handler, String modelLabel) {
    Supplier<? extends Handler<?, ?>> alias = aliases.get(handler);
    if (alias != null) {
      return alias;
    }
    if (!handler.contains(".")) {
      throw new HandlerException(modelLabel + ": unknown handler alias '" + handler + "'; known aliases: "
          + new java.util.TreeSet<>(aliases.keySet()) + " (or give a fully qualified class name)");
    }
    if (!classFilter.test(handler)) {
      throw new HandlerException(modelLabel + ": handler class '" + handler + "' is not allowed by this server's "
          + "handlerClassFilter");
    }
    Class<?> type;
    try {
      // initialize=false: no static initializer of an unvetted class runs before it is known to be a Handler.
      type = Class.forName(handler, false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      throw new HandlerException(modelLabel + ": handler class '" + handler + "' is not on the class path", e);
    }
    if (!Handler.class.isAssignableFrom(type) || type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
      throw new HandlerException(modelLabel + ": handler class '" + handler + "' is not a concrete "
          + Handler.class.getName());
    }
    Constructor<?> ctor;
    try {
      ctor = type.getConstructor();
    } catch (NoSuchMethodException e) {
      throw new HandlerException(modelLabel + ": handler class '" + handler
          + "' needs a public no-argument constructor", e);
    }
    return () -> {
      try {
        return (Handler<?, ?>) ctor.newInstance();
      } catch (java.lang.reflect.InvocationTargetException | ExceptionInInitializerError e) {
        Throwable cause = e.getCause(); // what the constructor or static initializer really threw
        throw new HandlerException(modelLabel + ": the constructor of handler '" + handler + "' threw: " + cause,
            cause);
      } catch (ReflectiveOperationException e) {
        throw new HandlerException(modelLabel + ": could not create handler '" + handler + "': " + e, e);
      }
    };
  }
}
