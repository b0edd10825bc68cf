package dev.serving4j;

/** A configuration value is invalid or unknown; the message names the field, the value and the valid range. */
public class InvalidConfigException extends ServingException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message naming what was wrong and what was expected. */
  public InvalidConfigException(String message) {
    super(message);
  }

  /** Creates the exception with a message and the underlying cause. */
  public InvalidConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
