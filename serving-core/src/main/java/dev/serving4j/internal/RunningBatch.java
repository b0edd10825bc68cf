package dev.serving4j.internal;

import dev.serving4j.Batch;
import java.util.AbstractList;
import java.util.List;

/** The {@link Batch} view a handler sees of the requests a worker took; records per-item failures. */
final class RunningBatch implements Batch<Object> {
  private final List<Request> requests;
  private final Throwable[] failures;
  private final List<Object> inputs;

  RunningBatch(List<Request> requests) {
    this.requests = requests;
    this.failures = new Throwable[requests.size()];
    this.inputs = new AbstractList<>() {
      @Override
      public Object get(int index) {
        return requests.get(index).input;
      }

      @Override
      public int size() {
        return requests.size();
      }
    };
  }

  @Override
  public int size() {
    return requests.size();
  }

  @Override
  public Object input(int index) {
    return requests.get(index).input;
  }

  @Override
  public Object prepared(int index) {
    return requests.get(index).prepared;
  }

  @Override
  public List<Object> inputs() {
    return inputs;
  }

  @Override
  public void fail(int index, Throwable cause) {
    if (cause == null) {
      throw new NullPointerException("cause");
    }
    if (failures[index] == null) {
      failures[index] = cause;
    }
  }

  @Override
  public boolean isFailed(int index) {
    return failures[index] != null;
  }

  Throwable failure(int index) {
    return failures[index];
  }

  Request request(int index) {
    return requests.get(index);
  }

  List<Request> requests() {
    return requests;
  }
}
