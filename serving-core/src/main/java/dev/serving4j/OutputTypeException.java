package dev.serving4j;

/**
 * A model's output is not of the type a typed {@link ModelClient} expects: the message names the model, the expected
 * type and the actual one. Raised at {@link ModelServer#client} when the handler's declared types can never match,
 * otherwise as the failure of the one call whose output did not match.
 */
public class OutputTypeException extends ServingException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message naming the model, the expected type and the actual one. */
  public OutputTypeException(String message) {
    super(message);
  }
}
