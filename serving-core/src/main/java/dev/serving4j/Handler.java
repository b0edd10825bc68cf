package dev.serving4j;

import java.util.List;

/**
 * Serves one model: TorchServe's four stages, on whole batches, in Java.
 *
 * <p>Each worker owns one handler instance: {@link #initialize} runs once, then for every batch the worker calls
 * {@link #preprocess}, {@link #inference} and {@link #postprocess} in turn, and finally {@link #close}. The framework
 * times each stage; a handler need not. A worker's instance is called by one thread at a time (with a happens-before
 * edge between calls), so it needs no synchronization of its own; but not always by the same thread: a caller that
 * waits for its lone queued request runs that batch of one itself, on an idle worker's instance (the model's
 * {@code callerRuns}, on by default), so the stages must not rely on thread-local state. {@link #initialize} and
 * {@link #close} always run on the worker's own thread.
 *
 * <p><b>Per-request hooks.</b> {@link #prepare}, {@link #cost(Object, Object)}, {@link #batchKey(Object, Object)} and
 * {@link #cacheKey} run per request on the <em>caller's</em> thread, concurrently, on one extra instance that
 * serving4j initializes for this purpose only (its {@link HandlerContext#workerId()} is -1, see
 * {@link HandlerContext#forScheduling()}); they must be thread-safe and must not touch per-worker state. They are only
 * called when the handler overrides them. Work done in {@link #prepare} (decode, resize, tokenize, validate) runs in
 * parallel with other batches' model runs instead of in series with them on the worker.
 *
 * <p>The value passed between stages is the handler's own business (a token matrix, a tensor, a list); the types at
 * the edges are typed: {@code I} per request in, {@code O} per request out. {@link #postprocess} returns one output
 * per batch item, in batch order. To fail one item without failing its batch-mates, call
 * {@link Batch#fail(int, Throwable)}; postprocess then returns an entry per item (failed ones ignored) or an entry
 * per item not failed. An exception thrown from a stage, or a malformed result, fails the whole batch (each request
 * gets a {@link HandlerException}); with the model's {@code failureIsolation} on, the batch is then split and run
 * again until only the request(s) that cause it fail.
 *
 * @param <I> the per-request input type
 * @param <O> the per-request output type
 */
public interface Handler<I, O> extends AutoCloseable {

  /** Loads what the handler needs (model, tokenizer, labels). Called once, on the worker's thread. */
  default void initialize(HandlerContext context) throws Exception {}

  /**
   * Prepares one request on the caller's thread, before it is queued: decode, resize, tokenize, validate. The result
   * is what {@link Batch#prepared(int)} returns to {@link #preprocess}, which then only stacks prepared items.
   * Called only when overridden (see the class comment for the threading rules). A failure here is that request's
   * own error: a thrown {@link ServingException} reaches the caller as is, any other exception as a
   * {@link HandlerException} naming the model and the stage; null is refused the same way.
   */
  default Object prepare(I input) throws Exception {
    return input;
  }

  /**
   * Turns the batch into what {@link #inference} consumes: from the inputs ({@link Batch#input}) or, when the handler
   * overrides {@link #prepare}, from the prepared items ({@link Batch#prepared}).
   */
  Object preprocess(Batch<I> batch) throws Exception;

  /** Runs the model on the preprocessed batch. */
  Object inference(Object preprocessed, Batch<I> batch) throws Exception;

  /**
   * Turns the model's output into one result per batch item, in batch order.
   *
   * <p>The list has {@link Batch#size()} entries, or — after {@link Batch#fail} — one entry per item not failed,
   * mapped onto those items in order (see {@link Batch#fail} for both shapes). A null list or a list of any other
   * size is a malformed result: it fails like an exception thrown from this stage, with a {@link HandlerException}
   * naming the size returned and the sizes expected. A null entry for an item that was not failed fails that item
   * alone with a {@link HandlerException}; its batch-mates get their outputs.
   */
  List<O> postprocess(Object inferred, Batch<I> batch) throws Exception;

  /**
   * The type every input must have; {@link ModelServer#predict} rejects other inputs with an
   * {@link InvalidInputException} before they are queued. Default {@code Object} (no check).
   */
  default Class<?> inputType() {
    return Object.class;
  }

  /**
   * The type every output is, if the handler declares one: {@link ModelServer#client} refuses a typed client whose
   * output type can never match it. Default {@code Object} (unknown; a typed client checks each output instead).
   */
  default Class<?> outputType() {
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
   * Like {@link #cost(Object)}, with the value {@link #prepare} returned (the input itself without a prepare hook),
   * so a handler that tokenizes in {@code prepare} can cost by the exact token count for free. Default: {@code
   * cost(input)}.
   */
  default long cost(I input, Object prepared) {
    return cost(input);
  }

  /**
   * The batch key of one request: a batch only holds requests with equal keys (for example image sizes). Called
   * like {@link #cost} (whenever the handler overrides it). Default null: every request may share a batch.
   */
  default Object batchKey(I input) {
    return null;
  }

  /**
   * Like {@link #batchKey(Object)}, with the value {@link #prepare} returned (for example a decoded image's size).
   * Default: {@code batchKey(input)}.
   */
  default Object batchKey(I input, Object prepared) {
    return batchKey(input);
  }

  /**
   * The response-cache key of one request, or null when its answer must not be cached. Used only when the model
   * sets {@code responseCacheSize}; equal keys must mean equal answers. Called like {@link #cost}, before
   * {@link #prepare} (a cache hit is never prepared).
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

  /**
   * Releases what {@link #initialize} acquired. Called once, on the worker's thread; may be called after a failure,
   * and on an instance that was never initialized (the one the server creates at registration only to ask for
   * {@link #inputType()} and the other declarations), so release only what is there.
   */
  @Override
  default void close() throws Exception {}
}
