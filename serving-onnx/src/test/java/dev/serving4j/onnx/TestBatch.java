package dev.serving4j.onnx;

import dev.serving4j.Batch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A {@link Batch} over a list, recording per-item failures, for calling handler stages directly. */
final class TestBatch<I> implements Batch<I> {
  private final List<I> inputs;
  private final Map<Integer, Throwable> failures = new HashMap<>();
  private List<Object> prepared;

  TestBatch(List<I> inputs) {
    this.inputs = new ArrayList<>(inputs);
  }

  @SafeVarargs
  static <I> TestBatch<I> of(I... inputs) {
    List<I> list = new ArrayList<>();
    for (I input : inputs) {
      list.add(input);
    }
    return new TestBatch<>(list);
  }

  @Override
  public int size() {
    return inputs.size();
  }

  @Override
  public I input(int index) {
    return inputs.get(index);
  }

  @Override
  public Object prepared(int index) {
    return prepared == null ? inputs.get(index) : prepared.get(index);
  }

  @Override
  public List<I> inputs() {
    return java.util.Collections.unmodifiableList(inputs);
  }

  @Override
  public synchronized void fail(int index, Throwable cause) {
    failures.putIfAbsent(index, cause);
  }

  @Override
  public synchronized boolean isFailed(int index) {
    return failures.containsKey(index);
  }

  synchronized Throwable failure(int index) {
    return failures.get(index);
  }

  /** Runs {@code prepare} on every input, as callers' threads would before queueing. */
  TestBatch<I> prepare(dev.serving4j.Handler<I, ?> handler) throws Exception {
    List<Object> values = new ArrayList<>(inputs.size());
    for (I input : inputs) {
      values.add(handler.prepare(input));
    }
    prepared = values;
    return this;
  }

  /** Runs prepare on every input, then the three stages, as callers and a worker would. */
  static <I, O> List<O> run(dev.serving4j.Handler<I, O> handler, TestBatch<I> batch) throws Exception {
    batch.prepare(handler);
    Object pre = handler.preprocess(batch);
    Object inferred = handler.inference(pre, batch);
    return handler.postprocess(inferred, batch);
  }
}
