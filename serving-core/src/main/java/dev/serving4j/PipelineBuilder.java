package dev.serving4j;

import dev.serving4j.PipelineNode.Kind;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Defines a {@link Pipeline}, node by node. Each step takes handles of values already defined and returns the handle
 * of its own output, so a node can only read nodes defined before it: a cycle cannot be written. Steps check what
 * they can at once, so a wrong definition fails where it is written: the model must be registered and its declared
 * input and output types must be able to match the values wired to it and the type asked for (as
 * {@link ModelServer#client} checks). {@link #build} checks that every node is used by the output and can be called
 * again. Not thread-safe.
 *
 * <p>Values outside a fan-out are {@link PipelineValue}s; the items of a fan-out are {@link PipelineItems}, and a
 * per-item step combines only items of the same fan-out. Nesting a fan-out in another is not supported.
 *
 * @param <I> the pipeline's input type
 */
public final class PipelineBuilder<I> {
  private final ModelServer server;
  private final String name;
  private final List<PipelineNode> nodes = new ArrayList<>();
  private final Set<String> names = new HashSet<>();
  private final PipelineValue<I> input;
  private Executor executor = ForkJoinPool.commonPool();
  private Duration timeout;

  PipelineBuilder(ModelServer server, String name, Class<I> inputType) {
    this.server = Objects.requireNonNull(server, "server");
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new PipelineDefinitionException("a pipeline's name must not be blank");
    }
    this.name = name;
    this.input = new PipelineValue<>(add("input", Kind.INPUT, List.of(), null, inputType, null, null, null, null));
  }

  /** The pipeline's input, a node named {@code input}. */
  public PipelineValue<I> input() {
    return input;
  }

  /**
   * The deadline of a call that names none (see {@link Pipeline#run(Object, Duration)}); zero means none. Default:
   * unset, so each model call gets its model's own {@code requestTimeout}.
   *
   * @throws InvalidConfigException when negative
   */
  public PipelineBuilder<I> timeout(Duration value) {
    Objects.requireNonNull(value, "timeout");
    if (value.isNegative()) {
      throw new InvalidConfigException("pipeline '" + name + "': timeout must be >= 0, was " + value);
    }
    timeout = value;
    return this;
  }

  /**
   * Where nodes run once their inputs are ready: function nodes, and the submission of model calls (which runs the
   * model handler's {@code prepare} on this thread). Default {@link ForkJoinPool#commonPool()}; give a pool of your
   * own when function nodes or {@code prepare} are heavy, so they do not compete with unrelated common-pool work.
   */
  public PipelineBuilder<I> executor(Executor value) {
    executor = Objects.requireNonNull(value, "executor");
    return this;
  }

  /**
   * A node calling model {@code model} on a whole value.
   *
   * @param outputType what the model returns; each output is checked against it, and the model's declared output
   *     type must be able to match it
   * @throws ModelNotFoundException when the model is not registered
   * @throws PipelineDefinitionException when the node name is blank or taken, the input is foreign, or the model's
   *     declared types can never match
   */
  public <O> PipelineValue<O> model(String node, String model, PipelineValue<?> input, Class<? super O> outputType) {
    PipelineNode in = own(node, input.node);
    return new PipelineValue<>(addModel(node, model, Kind.VALUE, in, null, outputType));
  }

  /** A node calling model {@code model} on every item of a fan-out; see {@link #model(String, String,
   * PipelineValue, Class)}. An item whose call fails fails alone (see {@link ItemFailure}). */
  public <O> PipelineItems<O> model(String node, String model, PipelineItems<?> input, Class<? super O> outputType) {
    PipelineNode in = own(node, input.node);
    return new PipelineItems<>(addModel(node, model, Kind.ITEMS, in, in.scope, outputType));
  }

  /** A function node on a whole value. A thrown {@link ServingException} stays as is, anything else becomes a
   * {@link HandlerException}; returning null is an error too. */
  public <A, O> PipelineValue<O> map(String node, PipelineValue<A> input, Function<? super A, ? extends O> fn) {
    Objects.requireNonNull(fn, "fn");
    return new PipelineValue<>(addFunction(node, Kind.VALUE, null, args -> fn.apply(cast(args[0])), input.node));
  }

  /** A function node on two whole values; see {@link #map(String, PipelineValue, Function)}. */
  public <A, B, O> PipelineValue<O> map(String node, PipelineValue<A> a, PipelineValue<B> b,
      BiFunction<? super A, ? super B, ? extends O> fn) {
    Objects.requireNonNull(fn, "fn");
    return new PipelineValue<>(addFunction(node, Kind.VALUE, null, args -> fn.apply(cast(args[0]), cast(args[1])),
        a.node, b.node));
  }

  /** A function node on every item of a fan-out; a throw fails that item only. */
  public <A, O> PipelineItems<O> map(String node, PipelineItems<A> input, Function<? super A, ? extends O> fn) {
    Objects.requireNonNull(fn, "fn");
    return new PipelineItems<>(addFunction(node, Kind.ITEMS, input.node.scope, args -> fn.apply(cast(args[0])),
        input.node));
  }

  /**
   * A function node on the same item of two per-item values of one fan-out (item i of {@code a} with item i of
   * {@code b}); a throw fails that item only.
   *
   * @throws PipelineDefinitionException when {@code a} and {@code b} come from different fan-outs
   */
  public <A, B, O> PipelineItems<O> map(String node, PipelineItems<A> a, PipelineItems<B> b,
      BiFunction<? super A, ? super B, ? extends O> fn) {
    Objects.requireNonNull(fn, "fn");
    if (a.node.scope != b.node.scope) {
      throw new PipelineDefinitionException(label(node) + ": combines items of fan-out '" + a.node.scope.name
          + "' with items of fan-out '" + b.node.scope.name + "'; per-item steps need items of one fan-out");
    }
    return new PipelineItems<>(addFunction(node, Kind.ITEMS, a.node.scope,
        args -> fn.apply(cast(args[0]), cast(args[1])), a.node, b.node));
  }

  /** A fan-out: {@code fn} turns a whole value into a list of items, each flowing on by itself. */
  public <A, T> PipelineItems<T> fanOut(String node, PipelineValue<A> input,
      Function<? super A, ? extends List<? extends T>> fn) {
    Objects.requireNonNull(fn, "fn");
    return new PipelineItems<>(addFunction(node, Kind.FAN_OUT, null, args -> fn.apply(cast(args[0])), input.node));
  }

  /** A fan-out from two whole values (such as a page and the boxes found on it). */
  public <A, B, T> PipelineItems<T> fanOut(String node, PipelineValue<A> a, PipelineValue<B> b,
      BiFunction<? super A, ? super B, ? extends List<? extends T>> fn) {
    Objects.requireNonNull(fn, "fn");
    return new PipelineItems<>(addFunction(node, Kind.FAN_OUT, null,
        args -> fn.apply(cast(args[0]), cast(args[1])), a.node, b.node));
  }

  /**
   * Gathers a fan-out's items back into one list in item order, once every item is done (or, under
   * {@link ItemFailure#FAIL_PIPELINE}, as soon as one fails).
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public <T> PipelineValue<List<PipelineItem<T>>> collect(String node, PipelineItems<T> items, ItemFailure policy) {
    Objects.requireNonNull(policy, "policy");
    PipelineNode in = own(node, items.node);
    return new PipelineValue<>(add(node, Kind.COLLECT, List.of(in), null, (Class) List.class, null, null, null,
        policy));
  }

  /**
   * Builds the pipeline with {@code output} as its result.
   *
   * @throws PipelineDefinitionException when a node is not used by the output, or the output is foreign
   */
  public <O> Pipeline<I, O> build(PipelineValue<O> output) {
    PipelineNode out = own("output", output.node);
    Set<PipelineNode> used = new HashSet<>();
    ArrayDeque<PipelineNode> todo = new ArrayDeque<>(List.of(out));
    while (!todo.isEmpty()) {
      PipelineNode n = todo.pop();
      if (used.add(n)) {
        todo.addAll(n.inputs);
      }
    }
    for (PipelineNode n : nodes) {
      if (!used.contains(n)) {
        throw new PipelineDefinitionException(label(n.name) + " is not used by the output '" + out.name
            + "'; remove it or wire it in");
      }
    }
    return new Pipeline<>(name, server, nodes, out, executor, timeout, nodes.size());
  }

  private PipelineNode addModel(String node, String model, Kind kind, PipelineNode in, PipelineNode scope,
      Class<?> outputType) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(outputType, "outputType");
    ModelClient<Object, Object> client = client(node, model, in.type, outputType);
    return add(node, kind, List.of(in), scope, outputType, (run, n, item, args) -> run.callModel(n, item, args[0]),
        model, client, null);
  }

  @SuppressWarnings("unchecked")
  private ModelClient<Object, Object> client(String node, String model, Class<?> in, Class<?> out) {
    try {
      return (ModelClient<Object, Object>) server.client(model, in, out);
    } catch (ModelNotFoundException e) {
      throw new ModelNotFoundException(label(node) + ": " + e.getMessage(), e);
    } catch (InvalidInputException | OutputTypeException e) {
      throw new PipelineDefinitionException(label(node) + ": " + e.getMessage(), e);
    }
  }

  private PipelineNode addFunction(String node, Kind kind, PipelineNode scope, Function<Object[], Object> fn,
      PipelineNode... inputs) {
    List<PipelineNode> ins = new ArrayList<>();
    for (PipelineNode in : inputs) {
      ins.add(own(node, in));
    }
    return add(node, kind, ins, scope, Object.class,
        (run, n, item, args) -> run.callFunction(n, item, () -> fn.apply(args)), null, null, null);
  }

  private PipelineNode add(String node, Kind kind, List<PipelineNode> inputs, PipelineNode scope, Class<?> type,
      PipelineNode.Op op, String model, ModelClient<Object, Object> client, ItemFailure policy) {
    Objects.requireNonNull(node, "node");
    if (node.isBlank()) {
      throw new PipelineDefinitionException("pipeline '" + name + "': a node's name must not be blank");
    }
    if (!names.add(node)) {
      throw new PipelineDefinitionException(label(node) + ": the name is already taken by another node");
    }
    PipelineNode n = new PipelineNode(this, nodes.size(), node, kind, inputs, scope, type, op, model, client,
        policy);
    nodes.add(n);
    return n;
  }

  /** Refuses a handle made by another builder: its node is not part of this pipeline. */
  private PipelineNode own(String node, PipelineNode in) {
    if (in.owner != this) {
      throw new PipelineDefinitionException(label(node) + ": reads '" + in.name + "', a value of another "
          + "pipeline definition; use the handles this builder returned");
    }
    return in;
  }

  private String label(String node) {
    return "pipeline '" + name + "' node '" + node + "'";
  }

  @SuppressWarnings("unchecked")
  private static <T> T cast(Object value) {
    return (T) value;
  }
}
