package dev.serving4j.benchmarks;

import dev.serving4j.ModelClient;
import dev.serving4j.ModelConfig;
import dev.serving4j.ModelServer;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/** serving4j behind the facade: one server, the archive registered with the given config, the built-in handler. */
final class Serving4jEmbedder implements Embedder {
  private final ModelServer server;
  private final ModelClient<String, float[]> client;
  private final ServingStats stats = new ServingStats();

  Serving4jEmbedder(Path archive, Consumer<ModelConfig.Builder> config) {
    server = ModelServer.builder().name("bench").listener(stats).build();
    try {
      String name = server.register(archive, config).name();
      client = server.client(name, String.class, float[].class);
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  /** What the server itself measured (queue wait, stage times, batch sizes). */
  ServingStats stats() {
    return stats;
  }

  @Override
  public float[] embed(String text) {
    return client.predict(text).join();
  }

  @Override
  public CompletableFuture<float[]> embedAsync(String text, Executor blockingPool) {
    return client.predict(text);
  }

  @Override
  public void close() {
    server.close();
  }
}
