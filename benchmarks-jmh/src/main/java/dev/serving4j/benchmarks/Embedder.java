package dev.serving4j.benchmarks;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The tiny facade every embedding implementation sits behind, ours and the peers' (Caffeine's {@code GetPutBenchmark}
 * style): one text in, its sentence vector out. Implementations are thread-safe.
 */
interface Embedder extends AutoCloseable {
  /** Embeds one text, blocking until its vector is ready. */
  float[] embed(String text) throws Exception;

  /**
   * Starts embedding one text without blocking the caller, for open-loop load. The default runs {@link #embed} on
   * {@code blockingPool}; implementations with an asynchronous API override it.
   */
  default CompletableFuture<float[]> embedAsync(String text, Executor blockingPool) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return embed(text);
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }, blockingPool);
  }

  @Override
  void close() throws Exception;
}
