package dev.serving4j;

import java.util.concurrent.CompletableFuture;

/**
 * A typed handle on one model of a {@link ModelServer}, from {@link ModelServer#client}. Thread-safe and cheap;
 * it holds no resources of its own.
 *
 * @param <I> the input type
 * @param <O> the output type
 */
public final class ModelClient<I, O> {
  private final ModelServer server;
  private final String model;
  private final Class<O> outputType;

  ModelClient(ModelServer server, String model, Class<O> outputType) {
    this.server = server;
    this.model = model;
    this.outputType = outputType;
  }

  /** The model this client calls. */
  public String model() {
    return model;
  }

  /** Calls the model's default version. */
  public CompletableFuture<O> predict(I input) {
    return predict(input, PredictOptions.DEFAULTS);
  }

  /** Calls the model with options. */
  public CompletableFuture<O> predict(I input, PredictOptions options) {
    CompletableFuture<Object> request = server.predict(model, input, options);
    CompletableFuture<O> typed = request.thenApply(outputType::cast);
    typed.whenComplete((v, e) -> {
      if (typed.isCancelled()) {
        request.cancel(false); // cancelling the typed view removes the queued request too
      }
    });
    return typed;
  }

  /** Calls the model and waits. */
  public O predictBlocking(I input) {
    return ModelServer.await(predict(input));
  }
}
