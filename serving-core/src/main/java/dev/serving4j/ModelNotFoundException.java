package dev.serving4j;

/** No model (or no such version of it) is registered under the requested name. */
public class ModelNotFoundException extends ServingException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message naming what was wrong and what was expected. */
  public ModelNotFoundException(String message) {
    super(message);
  }

  /** Creates the exception with a message and the underlying cause. */
  public ModelNotFoundException(String message, Throwable cause) {
    super(message, cause);
  }
}
