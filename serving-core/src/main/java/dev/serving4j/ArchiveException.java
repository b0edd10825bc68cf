package dev.serving4j;

/** A model archive or its manifest is malformed, unsafe or inconsistent; the message names the entry or field. */
public class ArchiveException extends ServingException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message naming what was wrong and what was expected. */
  public ArchiveException(String message) {
    super(message);
  }

  /** Creates the exception with a message and the underlying cause. */
  public ArchiveException(String message, Throwable cause) {
    super(message, cause);
  }
}
