package dev.serving4j;

/** The server (or the model version) is closed or draining and accepts no new requests. */
public class ServerClosedException extends ServingException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message naming what was wrong and what was expected. */
  public ServerClosedException(String message) {
    super(message);
  }

  /** Creates the exception with a message and the underlying cause. */
  public ServerClosedException(String message, Throwable cause) {
    super(message, cause);
  }
}
