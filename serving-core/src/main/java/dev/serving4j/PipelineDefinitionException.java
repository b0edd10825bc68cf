package dev.serving4j;

/**
 * A {@link Pipeline} definition is wrong: a blank or repeated node name, a value from another builder, per-item
 * values of two different fan-outs combined, a node the output never uses, or a model whose declared input or output
 * type can never match the value wired to it. Thrown by {@link PipelineBuilder} while the pipeline is defined, never
 * during a call; the message names the pipeline, the node and what was expected.
 */
public class PipelineDefinitionException extends InvalidConfigException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message naming what was wrong and what was expected. */
  public PipelineDefinitionException(String message) {
    super(message);
  }

  /** Creates the exception with a message and the underlying cause. */
  public PipelineDefinitionException(String message, Throwable cause) {
    super(message, cause);
  }
}
