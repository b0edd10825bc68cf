package dev.serving4j;

import java.util.concurrent.CompletableFuture;

/**
 * A typed handle on one model of a {@link ModelServer}, from {@link ModelServer#client}: the documented way to
 * call a model. Thread-safe and cheap; it holds no resources of its own.
 *
 * @param <I> the input type
 * @param <O> the output type
 */
public final class ModelClient<I, O> {
  private final ModelServer server;
  private final String model;
  private final Class<I> inputType;
  private final Class<O> outputType;

  ModelClient(ModelServer server, String model, Class<I> inputType, Class<O> outputType) {
    this.server = server;
    this.model = model;
    this.inputType = inputType;
    this.outputType = outputType;
  }

  /** The model this client calls. */
  public String model() {
    return model;
  }

  /** The input type this client was created for, checked against each version's handler by {@code client(...)}. */
  public Class<I> inputType() {
    return inputType;
  }

  /** The output type each result is checked against. */
  public Class<O> outputType() {
    return outputType;
  }

  /** Calls the model's default version. */
  public CompletableFuture<O> predict(I input) {
    return predict(input, PredictOptions.DEFAULTS);
  }

  /**
   * Calls the model with options. An output that is not an {@code O} fails the returned future with an
   * {@link OutputTypeException} naming the model, the expected and the actual type.
   */
  public CompletableFuture<O> predict(I input, PredictOptions options) {
    CompletableFuture<Object> request = server.predict(model, input, options);
    CompletableFuture<O> typed = request.thenApply(this::typed);
    typed.whenComplete((v, e) -> {
      if (typed.isCancelled()) {
        request.cancel(false); // cancelling the typed view removes the queued request too
      }
    });
    return typed;
  }

  private O typed(Object output) {
    if (output != null && !outputType.isInstance(output)) {
      throw new OutputTypeException("model '" + model + "' returned a " + output.getClass().getName()
          + " where this client expects a " + outputType.getName());
    }
    return outputType.cast(output);
  }

  /** Calls the model and waits; the typed check runs on the calling thread once the answer is in. */
  public O predictBlocking(I input) {
    return typed(ModelServer.await(server.predict(model, input, PredictOptions.DEFAULTS)));
  }
}
