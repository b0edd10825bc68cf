package dev.serving4j;

/**
 * A handle on a whole value of a pipeline being defined: its input, or a node's output outside any fan-out. Pass it
 * to further {@link PipelineBuilder} steps or to {@link PipelineBuilder#build}. Opaque; only useful with the
 * builder that made it.
 *
 * @param <T> the value type
 */
public final class PipelineValue<T> {
  final PipelineNode node;

  PipelineValue(PipelineNode node) {
    this.node = node;
  }

  /** The name of the node producing this value. */
  public String node() {
    return node.name;
  }
}
