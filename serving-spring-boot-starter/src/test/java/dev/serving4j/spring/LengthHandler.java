package dev.serving4j.spring;

import dev.serving4j.Batch;
import dev.serving4j.Handler;
import java.util.List;

/** A pure-Java stand-in for an embedding model: each text becomes {@code [its length]}. */
final class LengthHandler implements Handler<String, float[]> {
  @Override
  public Class<?> inputType() {
    return String.class;
  }

  @Override
  public Object preprocess(Batch<String> batch) {
    return batch.inputs();
  }

  @Override
  public Object inference(Object preprocessed, Batch<String> batch) {
    return preprocessed;
  }

  @Override
  public List<float[]> postprocess(Object inferred, Batch<String> batch) {
    return batch.inputs().stream().map(text -> new float[] {text.length()}).toList();
  }

  @Override
  public void close() {}
}
