package dev.serving4j.internal;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.serving4j.ModelConfig;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A model version's response cache: answers by the handler's cache key, in a Caffeine {@link AsyncCache} so
 * identical calls in flight share one computation. Failures are never kept. Every caller gets its own copy of the
 * shared future, so one caller cancelling does not cancel the answer the others wait for.
 */
final class ResponseCache {
  private final AsyncCache<Object, Object> cache;

  /** Outcome of a lookup: the caller's future, and whether it had to be computed. */
  record Lookup(CompletableFuture<Object> future, boolean miss) {}

  ResponseCache(ModelConfig c) {
    Caffeine<Object, Object> builder = Caffeine.newBuilder().maximumSize(c.responseCacheSize());
    if (!c.responseCacheTtl().isZero()) {
      builder.expireAfterWrite(c.responseCacheTtl());
    }
    // The loader only queues a request; completing it happens on a worker, so no executor hop is needed.
    cache = builder.executor(Runnable::run).buildAsync();
  }

  /** The cached or in-flight answer for {@code key}, or a new one from {@code compute}. */
  Lookup get(Object key, Supplier<CompletableFuture<Object>> compute) {
    boolean[] missed = new boolean[1];
    CompletableFuture<Object> shared = cache.get(key, (k, executor) -> {
      missed[0] = true;
      return compute.get();
    });
    if (!missed[0] && shared.isCompletedExceptionally()) {
      // A failure is never an answer to keep: Caffeine drops it too, but possibly only after its caller saw it.
      cache.asMap().remove(key, shared);
      shared = cache.get(key, (k, executor) -> {
        missed[0] = true;
        return compute.get();
      });
    }
    return new Lookup(shared.copy(), missed[0]);
  }
}
