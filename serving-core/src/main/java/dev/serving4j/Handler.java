package dev.serving4j;

import java.util.List;

/**
 * Serves one model: TorchServe's four stages, on whole batches, in Java.
 *
 * <p>Each worker owns one handler instance: {@link #initialize} runs once on the worker's thread, then for every
 * batch the worker calls {@link #preprocess}, {@link #inference} and {@link #postprocess} in turn, and finally
 * {@link #close}. The framework times each stage; a handler need not. A handler instance is only ever called from
 * its worker's thread, so it needs no synchronization of its own.
 *
 * <p>The value passed between stages is the handler's own business (a token matrix, a tensor, a list); the types at
 * the edges are typed: {@code I} per request in, {@code O} per request out. {@link #postprocess} returns one output
 * per batch item, in batch order. To fail one item without failing its batch-mates, call
 * {@link Batch#fail(int, Throwable)}; the value at a failed index is ignored. An exception thrown from a stage fails
 * the whole batch (each request gets a {@link HandlerException} carrying it).
 *
 * @param <I> the per-request input type
 * @param <O> the per-request output type
 */
public interface Handler<I, O> extends AutoCloseable {

  /** Loads what the handler needs (model, tokenizer, labels). Called once, on the worker's thread. */
  default void initialize(HandlerContext context) throws Exception {}

  /** Turns the batch's inputs into what {@link #inference} consumes. */
  Object preprocess(Batch<I> batch) throws Exception;

  /** Runs the model on the preprocessed batch. */
  Object inference(Object preprocessed, Batch<I> batch) throws Exception;

  /** Turns the model's output into one result per batch item, in batch order. */
  List<O> postprocess(Object inferred, Batch<I> batch) throws Exception;

  /**
   * The type every input must have; {@link ModelServer#predict} rejects other inputs with an
   * {@link InvalidInputException} before they are queued. Default {@code Object} (no check).
   */
  default Class<?> inputType() {
    return Object.class;
  }

  /**
   * The cost of one request for cost-aware batching (for example its token count); a batch's padded cost is its
   * largest cost times its size. The batcher learns how handler time grows with padded cost and groups similar
   * costs when padding is expensive; a model's {@code maxBatchCost}, when set, caps it. Default 1.
   *
   * <p>Called on the caller's thread, concurrently, before the request is queued, on one instance of this handler
   * that serving4j initializes for scheduling only (worker id -1) and never runs batches on. Must be thread-safe and
   * cheap. Only called when the handler overrides it.
   */
  default long cost(I input) {
    return 1;
  }

  /**
   * The batch key of one request: a batch only holds requests with equal keys (for example image sizes). Called
   * like {@link #cost} (whenever the handler overrides it). Default null: every request may share a batch.
   */
  default Object batchKey(I input) {
    return null;
  }

  /**
   * The response-cache key of one request, or null when its answer must not be cached. Used only when the model
   * sets {@code responseCacheSize}; equal keys must mean equal answers. Called like {@link #cost}.
   */
  default Object cacheKey(I input) {
    return null;
  }

  /**
   * Sample inputs each worker runs, as one batch, after {@link #initialize} and before it takes real requests, so
   * the first caller does not pay for lazy initialization. The default reads the manifest's {@code warmupFiles}:
   * one input per non-blank line when {@link #inputType()} is {@code String}, one input per file when it is
   * {@code byte[]}, none otherwise.
   */
  @SuppressWarnings("unchecked")
  default List<I> warmupInputs(HandlerContext context) throws Exception {
    List<Object> inputs = new java.util.ArrayList<>();
    for (String file : context.manifest().warmupFiles()) {
      java.nio.file.Path path = context.modelDirectory().resolve(file);
      if (inputType() == String.class) {
        java.nio.file.Files.readAllLines(path).stream().filter(l -> !l.isBlank()).forEach(inputs::add);
      } else if (inputType() == byte[].class) {
        inputs.add(java.nio.file.Files.readAllBytes(path));
      }
    }
    return (List<I>) inputs;
  }

  /** Releases what {@link #initialize} acquired. Called once, on the worker's thread; may be called after a failure. */
  @Override
  default void close() throws Exception {}
}
