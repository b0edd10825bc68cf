package dev.serving4j;

/**
 * Root of every exception serving4j raises. All are unchecked; each message names the model, the version and the
 * limit or field involved, so a log line alone is enough to act on.
 */
public class ServingException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception with a message. */
  public ServingException(String message) {
    super(message);
  }

  /** Creates an exception with a message and a cause. */
  public ServingException(String message, Throwable cause) {
    super(message, cause);
  }
}
