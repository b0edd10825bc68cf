package dev.serving4j;

/** The request's deadline passed before it could finish: while queued, before it could start, or while running. */
public class DeadlineExceededException extends ServingException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message naming what was wrong and what was expected. */
  public DeadlineExceededException(String message) {
    super(message);
  }

  /** Creates the exception with a message and the underlying cause. */
  public DeadlineExceededException(String message, Throwable cause) {
    super(message, cause);
  }
}
