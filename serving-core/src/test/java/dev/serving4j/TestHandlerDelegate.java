package dev.serving4j;

import java.util.List;

/** Delegates every stage to a {@link TestHandler}, so tests can override the scheduling hooks. */
class TestHandlerDelegate implements Handler<String, String> {
  private final TestHandler delegate;

  TestHandlerDelegate(TestHandler.Probe probe) {
    this.delegate = new TestHandler(probe);
  }

  @Override
  public void initialize(HandlerContext context) {
    if (context.workerId() >= 0) {
      delegate.initialize(context);
    }
  }

  @Override
  public Class<?> inputType() {
    return String.class;
  }

  @Override
  public Object preprocess(Batch<String> batch) throws InterruptedException {
    return delegate.preprocess(batch);
  }

  @Override
  public Object inference(Object preprocessed, Batch<String> batch) {
    return delegate.inference(preprocessed, batch);
  }

  @Override
  public List<String> postprocess(Object inferred, Batch<String> batch) {
    return delegate.postprocess(inferred, batch);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
