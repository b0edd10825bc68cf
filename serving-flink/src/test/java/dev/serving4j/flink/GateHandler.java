package dev.serving4j.flink;

import dev.serving4j.Batch;
import dev.serving4j.Handler;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/** Holds every batch until {@link #OPEN} is counted down; counts the items it ran. */
public final class GateHandler implements Handler<String, String> {
  static final CountDownLatch OPEN = new CountDownLatch(1);
  static final AtomicLong ITEMS = new AtomicLong();

  /** Created by the server from the manifest's class name. */
  public GateHandler() {}

  @Override
  public Object preprocess(Batch<String> batch) throws InterruptedException {
    OPEN.await();
    return batch.inputs();
  }

  @Override
  public Object inference(Object preprocessed, Batch<String> batch) {
    ITEMS.addAndGet(batch.size());
    return preprocessed;
  }

  @Override
  public List<String> postprocess(Object inferred, Batch<String> batch) {
    return batch.inputs();
  }

  @Override
  public void close() {}
}
