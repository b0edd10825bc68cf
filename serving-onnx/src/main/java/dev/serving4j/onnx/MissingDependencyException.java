package dev.serving4j.onnx;

import dev.serving4j.ServingException;

/**
 * A handler needs a library that serving-onnx declares optional and the class path lacks. The message names the
 * handler, the model and the Maven coordinates ({@code groupId:artifactId}) to add; {@link #artifact()} returns them.
 *
 * <p>serving-onnx keeps the text stack optional so that image and tensor users do not pull it: the {@code embedding}
 * handler needs {@code ai.djl.huggingface:tokenizers}, which the application declares itself.
 */
public class MissingDependencyException extends ServingException {
  private static final long serialVersionUID = 1L;

  /** The missing artifact, {@code groupId:artifactId}. */
  private final String artifact;

  /**
   * Creates the exception.
   *
   * @param artifact the missing artifact as {@code groupId:artifactId}
   * @param message what needs it and how to add it
   * @param cause the class loading failure, or null
   */
  public MissingDependencyException(String artifact, String message, Throwable cause) {
    super(message, cause);
    this.artifact = artifact;
  }

  /** The missing artifact as {@code groupId:artifactId}, for example {@code ai.djl.huggingface:tokenizers}. */
  public String artifact() {
    return artifact;
  }
}
