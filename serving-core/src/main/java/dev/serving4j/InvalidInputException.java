package dev.serving4j;

/** An input was rejected before it reached native code: wrong type, shape, dtype, size or value. */
public class InvalidInputException extends ServingException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message naming what was wrong and what was expected. */
  public InvalidInputException(String message) {
    super(message);
  }

  /** Creates the exception with a message and the underlying cause. */
  public InvalidInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
