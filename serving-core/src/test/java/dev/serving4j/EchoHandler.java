package dev.serving4j;

import java.util.List;

/**
 * Answers each input with itself. Subclasses override one declaration or hook to misbehave in one way; it is public
 * with a public constructor so manifests can name it by class.
 */
public class EchoHandler implements Handler<Object, Object> {
  /** Creates the handler. */
  public EchoHandler() {}

  @Override
  public Object preprocess(Batch<Object> batch) {
    return batch.inputs();
  }

  @Override
  public Object inference(Object preprocessed, Batch<Object> batch) {
    return preprocessed;
  }

  @Override
  @SuppressWarnings("unchecked")
  public List<Object> postprocess(Object inferred, Batch<Object> batch) {
    return (List<Object>) inferred;
  }

  /** A handler whose constructor throws, to check that registration shows the real cause. */
  public static final class Exploding extends EchoHandler {
    /** Throws. */
    public Exploding() {
      throw new IllegalStateException("the constructor exploded on purpose");
    }
  }
}
