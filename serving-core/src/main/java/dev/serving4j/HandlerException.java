package dev.serving4j;

/** A handler stage (initialize, preprocess, inference or postprocess) failed; the cause is the handler's own exception. */
public class HandlerException extends ServingException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message naming what was wrong and what was expected. */
  public HandlerException(String message) {
    super(message);
  }

  /** Creates the exception with a message and the underlying cause. */
  public HandlerException(String message, Throwable cause) {
    super(message, cause);
  }
}
