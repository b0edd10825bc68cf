package dev.serving4j;

/**
 * A handle on the items of one fan-out of a pipeline being defined: what a {@link PipelineBuilder#fanOut fanOut}
 * produced, or a per-item node's outputs. Each item flows on by itself (item 0 may reach the last node while item 5
 * waits at the first), until a {@link PipelineBuilder#collect collect} gathers them back in order. Opaque; only
 * useful with the builder that made it.
 *
 * @param <T> the item type
 */
public final class PipelineItems<T> {
  final PipelineNode node;

  PipelineItems(PipelineNode node) {
    this.node = node;
  }

  /** The name of the node producing these items. */
  public String node() {
    return node.name;
  }
}
