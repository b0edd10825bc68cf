package dev.serving4j.internal;

import dev.serving4j.Handler;
import dev.serving4j.HandlerException;
import dev.serving4j.ModelConfig;
import java.util.function.Supplier;

/**
 * What a handler declares, read once at registration from a probe instance that is never initialized: its input
 * and output types, and which per-request hooks it overrides (so a handler without them never runs on a caller's
 * thread).
 *
 * @param inputType what {@code predict} accepts
 * @param outputType what the handler's results must be
 * @param prepares whether it overrides {@code prepare} (run on the caller's thread before queueing)
 * @param needsSchedulingInstance whether callers run any hook at all: {@code prepare}, {@code cost},
 *     {@code batchKey}, or {@code cacheKey} with a response cache
 */
record HandlerDeclaration(Class<?> inputType, Class<?> outputType, boolean prepares,
    boolean needsSchedulingInstance) {

  /**
   * Asks {@code probe} what it declares.
   *
   * @param label names the model in errors
   * @throws HandlerException when a type method throws or returns null
   */
  static HandlerDeclaration of(Handler<?, ?> probe, String label, String handlerName, ModelConfig config) {
    Class<?> in = declaredType(label, handlerName, "inputType", probe::inputType);
    Class<?> out = declaredType(label, handlerName, "outputType", probe::outputType);
    // Costs and batch keys always matter (the cost model weighs padding even without a budget), cache keys only
    // with a cache.
    boolean prepares = overrides(probe, "prepare", 1);
    boolean hooks = prepares || overrides(probe, "cost") || overrides(probe, "batchKey")
        || (config.responseCacheSize() > 0 && overrides(probe, "cacheKey", 1));
    return new HandlerDeclaration(in, out, prepares, hooks);
  }

  private static Class<?> declaredType(String label, String handlerName, String method,
      Supplier<Class<?>> declared) {
    Class<?> type;
    try {
      type = declared.get();
    } catch (RuntimeException e) {
      throw new HandlerException(label + ": handler '" + handlerName + "' threw from " + method + "(): " + e, e);
    }
    if (type == null) {
      throw new HandlerException(label + ": handler '" + handlerName + "' returned null from " + method
          + "(); return a class, such as Object.class for no check");
    }
    return type;
  }

  /** Whether the handler overrides {@code method} in its one-argument or its (input, prepared) form. */
  private static boolean overrides(Handler<?, ?> h, String method) {
    return overrides(h, method, 1) || overrides(h, method, 2);
  }

  private static boolean overrides(Handler<?, ?> h, String method, int arity) {
    Class<?>[] params = arity == 1 ? new Class<?>[] {Object.class} : new Class<?>[] {Object.class, Object.class};
    try {
      return h.getClass().getMethod(method, params).getDeclaringClass() != Handler.class;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }
}
