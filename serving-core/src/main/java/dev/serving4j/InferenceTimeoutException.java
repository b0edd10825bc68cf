package dev.serving4j;

/** A batch ran longer than the model's inference timeout and was aborted; the worker is replaced or reused. */
public class InferenceTimeoutException extends HandlerException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message naming what was wrong and what was expected. */
  public InferenceTimeoutException(String message) {
    super(message);
  }

  /** Creates the exception with a message and the underlying cause. */
  public InferenceTimeoutException(String message, Throwable cause) {
    super(message, cause);
  }
}
