package dev.serving4j.benchmarks;

import dev.serving4j.InvalidInputException;
import dev.serving4j.ModelDescription;
import dev.serving4j.ModelClient;
import dev.serving4j.ModelConfig;
import dev.serving4j.ModelServer;
import dev.serving4j.PredictOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * serving4j behind the facades: one server, any archive registered with the given config, whatever its handler
 * takes. {@link #embed} is for the embedding archives; {@link #call} and {@link #callAsync} pass any input through.
 */
final class Serving4jEmbedder implements Embedder, Implementation {
  private final ModelServer server;
  private final String name;
  private final ModelClient<Object, Object> client;
  private final ServingStats stats = new ServingStats();
  private final CostModelAverage costs = new CostModelAverage();

  Serving4jEmbedder(Path archive, Consumer<ModelConfig.Builder> config) {
    server = ModelServer.builder().name("bench").listener(stats).listener(costs).build();
    try {
      name = server.register(archive, config).name();
      client = server.client(name, Object.class, Object.class);
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  /** What the server itself measured (queue wait, stage times, batch sizes). */
  @Override
  public ServingStats stats() {
    return stats;
  }

  /**
   * The batcher's learned cost model of the served version: each class's fits averaged over this server's life
   * ({@link CostModelAverage}), and where a class was never trusted, its current fit ({@code describe()}'s
   * {@code costModel()}).
   */
  List<ModelDescription.BatchCost> costModel() {
    List<ModelDescription.BatchCost> averaged = new ArrayList<>(costs.averaged());
    for (ModelDescription.BatchCost c : server.describe(name).versions().get(0).costModel()) {
      if (averaged.stream().noneMatch(a -> a.minBatchSize() == c.minBatchSize())) {
        averaged.add(c);
      }
    }
    return averaged;
  }

  /** Whether the handler's declared input type can take inputs of {@code type}. */
  boolean accepts(Class<?> type) {
    try {
      server.client(name, type, Object.class);
      return true;
    } catch (InvalidInputException e) {
      return false;
    }
  }

  @Override
  public float[] embed(String text) {
    return (float[]) client.predict(text).join();
  }

  @Override
  public CompletableFuture<float[]> embedAsync(String text, Executor blockingPool) {
    return client.predict(text).thenApply(float[].class::cast);
  }

  @Override
  public Object call(Object input) {
    return client.predict(input).join();
  }

  /** Starts serving one input without blocking. */
  CompletableFuture<Object> callAsync(Object input) {
    return client.predict(input);
  }

  /** Starts serving one input with {@code options} (a deadline, say) without blocking. */
  CompletableFuture<Object> callAsync(Object input, PredictOptions options) {
    return client.predict(input, options);
  }

  @Override
  public void close() {
    server.close();
  }
}
