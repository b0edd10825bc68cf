package dev.serving4j;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Registered models composed into a DAG and called as one: a sequence of nodes, fan-outs (one value → N items, such
 * as one page → N line crops) and collects (N items → one list, in order). Built by {@link #builder}; immutable and
 * thread-safe.
 *
 * <p>Each model node is an ordinary call of a registered model ({@link ModelServer#predict}), with that model's own
 * queue, batching, workers and meters: the crops of many concurrent pipeline calls wait in one queue and batch
 * together. Function nodes are plain Java (crop, rotate, join) and run on the pipeline's executor, never on a model
 * worker. See {@code docs/pipelines.md}.
 *
 * <p>A call fails with the error of the first node that failed outside a fan-out, as that node raised it (a
 * {@link DeadlineExceededException} stays one); a failed item inside a fan-out only fails the call when its
 * collect says {@link ItemFailure#FAIL_PIPELINE}. Cancelling the returned future, or the call failing, cancels the
 * model calls still outstanding, which leaves their queues.
 *
 * @param <I> the input type
 * @param <O> the output type
 */
public final class Pipeline<I, O> {
  private final String name;
  private final ModelServer server;
  final List<PipelineNode> nodes;
  final PipelineNode output;
  final Executor executor;
  final PipelineObserver observer;
  private final Duration timeout;
  private final int slots;

  Pipeline(String name, ModelServer server, List<PipelineNode> nodes, PipelineNode output, Executor executor,
      Duration timeout, int slots) {
    this.name = name;
    this.server = server;
    this.nodes = List.copyOf(nodes);
    this.output = output;
    this.executor = executor;
    this.timeout = timeout;
    this.slots = slots;
    this.observer = new PipelineObserver(name, this.nodes, slots, server.meterRegistry(), server.listeners());
  }

  /**
   * Starts defining a pipeline over {@code server}'s models.
   *
   * @param server the server whose registered models the nodes call
   * @param name the pipeline's name, used in meters, events and error messages
   * @param inputType the type of the pipeline's input; checked against the first models' declared input types
   * @throws InvalidConfigException when the name is blank
   */
  public static <I> PipelineBuilder<I> builder(ModelServer server, String name, Class<I> inputType) {
    return new PipelineBuilder<>(server, name, inputType);
  }

  /** The pipeline's name. */
  public String name() {
    return name;
  }

  /** The names of the nodes, in evaluation order (the input node first). */
  public List<String> nodes() {
    return nodes.stream().map(n -> n.name).toList();
  }

  /** The deadline each call gets unless it names one; null when the models' own timeouts apply. */
  public Duration timeout() {
    return timeout;
  }

  /** Runs the pipeline on {@code input} with the pipeline's {@link #timeout()}. */
  public CompletableFuture<O> run(I input) {
    return start(input, timeout);
  }

  /**
   * Runs the pipeline on {@code input} with a deadline of {@code timeout} from now: each model call gets the time
   * left as its timeout, and a node due to start after it fails with {@link DeadlineExceededException}.
   *
   * @param timeout the deadline from now; {@link Duration#ZERO} means none (not even the models' own timeouts)
   * @throws InvalidConfigException when the timeout is negative
   */
  public CompletableFuture<O> run(I input, Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new InvalidConfigException("pipeline '" + name + "': timeout must be >= 0, was " + timeout);
    }
    return start(input, timeout);
  }

  /** Runs the pipeline and waits; an interrupt cancels the call and is kept on the thread. */
  public O runBlocking(I input) {
    return ModelServer.await(run(input));
  }

  private CompletableFuture<O> start(I input, Duration timeout) {
    Objects.requireNonNull(input, "input");
    return new PipelineRun<>(this, timeout).start(input);
  }

  int slotCount() {
    return slots;
  }

  Ticker ticker() {
    return server.ticker();
  }

  String label(PipelineNode n) {
    return "pipeline '" + name + "' node '" + n.name + "'";
  }
}
