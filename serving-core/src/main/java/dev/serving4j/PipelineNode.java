package dev.serving4j;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One node of a pipeline definition: what it is, what it reads, and the operation it runs. Immutable once the
 * builder made it; {@link PipelineRun} evaluates it once per call (once per item inside a fan-out).
 */
final class PipelineNode {
  /** How a node's value is shaped and evaluated. */
  enum Kind {
    /** The pipeline's input. */
    INPUT,
    /** One value from whole values. */
    VALUE,
    /** A whole value turned into a list of items, each flowing on by itself. */
    FAN_OUT,
    /** One output per item of a fan-out, from the same items of other per-item nodes. */
    ITEMS,
    /** The items of a fan-out gathered back into one list, by a failure policy. */
    COLLECT
  }

  /** The work of a node on its arguments (one per input, in order); item is -1 outside a fan-out. */
  @FunctionalInterface
  interface Op {
    CompletableFuture<Object> apply(PipelineRun<?> run, PipelineNode node, int item, Object[] args);
  }

  final Object owner;
  final int id;
  final String name;
  final Kind kind;
  final List<PipelineNode> inputs;
  /** The fan-out whose items this node carries (the fan-out itself for FAN_OUT), or null. */
  final PipelineNode scope;
  /** What the node's values are known to be; Object when a function produces them. */
  final Class<?> type;
  final Op op;
  /** The model a model node calls, else null. */
  final String model;
  final ModelClient<Object, Object> client;
  final ItemFailure policy;

  PipelineNode(Object owner, int id, String name, Kind kind, List<PipelineNode> inputs, PipelineNode scope,
      Class<?> type, Op op, String model, ModelClient<Object, Object> client, ItemFailure policy) {
    this.owner = owner;
    this.id = id;
    this.name = name;
    this.kind = kind;
    this.inputs = List.copyOf(inputs);
    this.scope = kind == Kind.FAN_OUT ? this : scope;
    this.type = type;
    this.op = op;
    this.model = model;
    this.client = client;
    this.policy = policy;
  }
}
