package dev.serving4j;

/** A worker died (its handler threw an Error or could not be initialized) while holding the request. */
public class WorkerFailedException extends HandlerException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message naming what was wrong and what was expected. */
  public WorkerFailedException(String message) {
    super(message);
  }

  /** Creates the exception with a message and the underlying cause. */
  public WorkerFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
