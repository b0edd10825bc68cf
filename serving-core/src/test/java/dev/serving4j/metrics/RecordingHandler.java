package dev.serving4j.metrics;

import dev.serving4j.Batch;
import dev.serving4j.Handler;
import dev.serving4j.HandlerContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Answers {@code "ok:" + input}, fails items starting with {@code poison} (and whole batches holding a
 * {@code bomb}), records every batch size, and can hold
 * batches at a gate or fail its first initializations, as its shared {@link Probe} says.
 */
final class RecordingHandler implements Handler<String, String> {
  private final Probe probe;

  RecordingHandler(Probe probe) {
    this.probe = probe;
  }

  /** Shared by every handler instance of a test. */
  static final class Probe {
    final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    final AtomicInteger initFailuresLeft = new AtomicInteger();
    final CountDownLatch entered = new CountDownLatch(1);
    volatile CountDownLatch gate = new CountDownLatch(0);

    void hold() {
      gate = new CountDownLatch(1);
    }

    void release() {
      gate.countDown();
    }

    int batchedRequests() {
      return batchSizes.stream().mapToInt(Integer::intValue).sum();
    }
  }

  @Override
  public void initialize(HandlerContext context) {
    if (probe.initFailuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new IllegalStateException("initialize failed on purpose");
    }
  }

  @Override
  public Class<?> inputType() {
    return String.class;
  }

  @Override
  public Object preprocess(Batch<String> batch) throws InterruptedException {
    probe.batchSizes.add(batch.size());
    probe.entered.countDown();
    if (!probe.gate.await(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("gate never opened");
    }
    return batch.inputs();
  }

  @Override
  public Object inference(Object preprocessed, Batch<String> batch) {
    if (batch.inputs().contains("bomb")) {
      throw new IllegalArgumentException("a 'bomb' fails its whole batch on purpose");
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      if (batch.input(i).startsWith("poison")) {
        batch.fail(i, new IllegalArgumentException("poison item on purpose"));
      }
      out.add("ok:" + batch.input(i));
    }
    return out;
  }

  @Override
  @SuppressWarnings("unchecked")
  public List<String> postprocess(Object inferred, Batch<String> batch) {
    return (List<String>) inferred;
  }
}
