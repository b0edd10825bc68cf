package dev.serving4j.flink;

import dev.serving4j.Batch;
import dev.serving4j.Handler;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** A model-free handler for the recovery test: id {@code n} in, {@code "id:n"} out; counts the items it ran. */
public final class IdHandler implements Handler<Long, String> {
  /** Items run by any instance in this JVM (the MiniCluster's). */
  static final AtomicLong ITEMS = new AtomicLong();

  /** Created by the server from the manifest's class name. */
  public IdHandler() {}

  @Override
  public Object preprocess(Batch<Long> batch) {
    return batch.inputs();
  }

  @Override
  public Object inference(Object preprocessed, Batch<Long> batch) {
    ITEMS.addAndGet(batch.size());
    return preprocessed;
  }

  @Override
  public List<String> postprocess(Object inferred, Batch<Long> batch) {
    return batch.inputs().stream().map(id -> "id:" + id).toList();
  }

  @Override
  public Class<?> inputType() {
    return Long.class;
  }

  @Override
  public void close() {}
}
