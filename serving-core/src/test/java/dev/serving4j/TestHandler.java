package dev.serving4j;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A pure-Java handler for tests: answers {@code tag + ":" + input}, records every batch, and can be held at a gate,
 * fail items, crash, or fail to initialize, as its {@link Probe} says. One probe is shared by all instances a
 * server creates, so a test sees every worker.
 */
final class TestHandler implements Handler<String, String> {
  private final Probe probe;
  private boolean initialized;

  TestHandler(Probe probe) {
    this.probe = probe;
  }

  /** Shared, thread-safe knobs and records of a test. */
  static final class Probe {
    final String tag;
    final List<List<String>> batches = new CopyOnWriteArrayList<>();
    final AtomicInteger initializations = new AtomicInteger();
    final AtomicInteger closes = new AtomicInteger();
    final AtomicInteger initFailuresLeft = new AtomicInteger();
    /** Batches wait at preprocess while this latch is up; starts open. */
    volatile CountDownLatch gate = new CountDownLatch(0);
    /** Counted down when a batch enters the handler. */
    volatile CountDownLatch entered = new CountDownLatch(1);
    volatile Function<String, String> transform = s -> s;

    Probe(String tag) {
      this.tag = tag;
    }

    /** Closes the gate: every batch blocks at preprocess until {@link #open()}. */
    void close() {
      gate = new CountDownLatch(1);
    }

    void open() {
      gate.countDown();
    }

    List<String> allInputs() {
      List<String> all = new ArrayList<>();
      batches.forEach(all::addAll);
      return all;
    }
  }

  @Override
  public void initialize(HandlerContext context) {
    initialized = true;
    probe.initializations.incrementAndGet();
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
    probe.batches.add(List.copyOf(batch.inputs()));
    probe.entered.countDown();
    if (!probe.gate.await(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("gate never opened");
    }
    return batch.inputs();
  }

  @Override
  public Object inference(Object preprocessed, Batch<String> batch) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      String in = batch.input(i);
      if (in.equals("crash")) {
        throw new OutOfMemoryError("simulated worker crash");
      }
      if (in.equals("hang")) {
        hangUntilInterrupted();
      }
      if (in.equals("batch-bomb")) {
        throw new IllegalArgumentException("whole batch failed on purpose");
      }
      if (in.startsWith("poison")) {
        batch.fail(i, new IllegalArgumentException("poison item " + in));
      }
      out.add(probe.tag + ":" + probe.transform.apply(in));
    }
    return out;
  }

  @Override
  @SuppressWarnings("unchecked")
  public List<String> postprocess(Object inferred, Batch<String> batch) {
    return (List<String>) inferred;
  }

  /** Counts closes of initialized instances: the registration probe is closed too, but was never initialized. */
  @Override
  public void close() {
    if (initialized) {
      probe.closes.incrementAndGet();
    }
  }

  private static void hangUntilInterrupted() {
    CountDownLatch never = new CountDownLatch(1);
    try {
      never.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("hang interrupted");
    }
  }
}
