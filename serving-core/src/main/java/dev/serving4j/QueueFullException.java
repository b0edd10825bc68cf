package dev.serving4j;

/** The model version's queue (or a priority level's share of it) is full; the request was not accepted. Raised at once, never after blocking. */
public class QueueFullException extends ServingException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message naming what was wrong and what was expected. */
  public QueueFullException(String message) {
    super(message);
  }

  /** Creates the exception with a message and the underlying cause. */
  public QueueFullException(String message, Throwable cause) {
    super(message, cause);
  }
}
