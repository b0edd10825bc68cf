package dev.serving4j;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A pure-Java pipeline stage for tests: maps each String item with a function, records batch sizes, can be held at
 * a gate, fails items named {@code bad} on their own, and can run hooks that advance a fake clock.
 */
final class StageHandler implements Handler<String, String> {
  private final Stage stage;

  StageHandler(Stage stage) {
    this.stage = stage;
  }

  /** Shared knobs and records of one stage (all its handler instances). */
  static final class Stage {
    final UnaryOperator<String> fn;
    final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    volatile CountDownLatch gate = new CountDownLatch(0);
    final CountDownLatch entered = new CountDownLatch(1);
    volatile Runnable onPrepare = () -> {};
    volatile Runnable onInference = () -> {};

    Stage(UnaryOperator<String> fn) {
      this.fn = fn;
    }

    void hold() {
      gate = new CountDownLatch(1);
    }

    void release() {
      gate.countDown();
    }
  }

  @Override
  public Class<?> inputType() {
    return String.class;
  }

  @Override
  public Class<?> outputType() {
    return String.class;
  }

  @Override
  public Object prepare(String input) {
    stage.onPrepare.run();
    return input;
  }

  @Override
  public Object preprocess(Batch<String> batch) throws InterruptedException {
    stage.batchSizes.add(batch.size());
    stage.entered.countDown();
    if (!stage.gate.await(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("gate never opened");
    }
    return batch.inputs();
  }

  @Override
  public Object inference(Object preprocessed, Batch<String> batch) {
    stage.onInference.run();
    List<String> out = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      if (batch.input(i).equals("bad")) {
        batch.fail(i, new IllegalArgumentException("item 'bad' failed on purpose"));
      }
      out.add(stage.fn.apply(batch.input(i)));
    }
    return out;
  }

  @Override
  @SuppressWarnings("unchecked")
  public List<String> postprocess(Object inferred, Batch<String> batch) {
    return (List<String>) inferred;
  }
}
