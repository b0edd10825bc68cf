package dev.serving4j.benchmarks;

/**
 * The facade the compare command drives, one per implementation and workload (Caffeine's {@code GetPutBenchmark}
 * style): one input in (a text or an image, as the workload holds), its answer out, blocking. Implementations are
 * thread-safe. Text implementations are {@link Embedder}s seen through {@link #of(Embedder)}.
 */
interface Implementation extends AutoCloseable {
  /** Serves one input, blocking until its answer is ready. */
  Object call(Object input) throws Exception;

  /** What serving4j itself measured, or null for a peer without serving4j's queue and stage timings. */
  default ServingStats stats() {
    return null;
  }

  @Override
  void close() throws Exception;

  /** A text embedder as an implementation: each input is a {@code String}. */
  static Implementation of(Embedder embedder) {
    return new Implementation() {
      @Override
      public Object call(Object input) throws Exception {
        return embedder.embed((String) input);
      }

      @Override
      public ServingStats stats() {
        return embedder instanceof Serving4jEmbedder s ? s.stats() : null;
      }

      @Override
      public void close() throws Exception {
        embedder.close();
      }
    };
  }
}
