package dev.serving4j.onnx;

import dev.serving4j.Batch;
import dev.serving4j.Handler;
import dev.serving4j.HandlerContext;
import java.util.List;
import java.util.Map;

/**
 * The built-in {@link TensorHandler} with a hook before each batch, for tests that record batches or hold a worker
 * at a gate: every stage, and the batch key, go to the wrapped handler.
 */
public abstract class HeldTensorHandler implements Handler<Map<String, Tensor>, Map<String, Tensor>> {
  private final TensorHandler delegate;

  /** Wraps {@code delegate}. */
  protected HeldTensorHandler(TensorHandler delegate) {
    this.delegate = delegate;
  }

  /** Runs before each batch reaches the tensor handler; may block. */
  protected abstract void beforeBatch(Batch<Map<String, Tensor>> batch) throws InterruptedException;

  @Override
  public void initialize(HandlerContext context) {
    delegate.initialize(context);
  }

  @Override
  public Class<?> inputType() {
    return delegate.inputType();
  }

  @Override
  public Object batchKey(Map<String, Tensor> input) {
    return delegate.batchKey(input);
  }

  @Override
  public Object preprocess(Batch<Map<String, Tensor>> batch) throws InterruptedException {
    beforeBatch(batch);
    return delegate.preprocess(batch);
  }

  @Override
  public Object inference(Object preprocessed, Batch<Map<String, Tensor>> batch) {
    return delegate.inference(preprocessed, batch);
  }

  @Override
  public List<Map<String, Tensor>> postprocess(Object inferred, Batch<Map<String, Tensor>> batch) {
    return delegate.postprocess(inferred, batch);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
