package dev.serving4j.onnx.internal;

import dev.serving4j.Handler;
import dev.serving4j.onnx.EmbeddingHandler;
import dev.serving4j.onnx.ImageClassifierHandler;
import dev.serving4j.onnx.TensorHandler;
import dev.serving4j.spi.HandlerProvider;

/**
 * The {@link HandlerProvider}s behind serving-onnx's built-in handler aliases, registered in
 * {@code META-INF/services/dev.serving4j.spi.HandlerProvider}. Not API: manifests use the aliases.
 */
public final class BuiltInHandlers {
  private BuiltInHandlers() {}

  /** {@code tensor}: {@link TensorHandler}. */
  public static final class Tensor implements HandlerProvider {
    @Override
    public String alias() {
      return "tensor";
    }

    @Override
    public Handler<?, ?> create() {
      return new TensorHandler();
    }
  }

  /** {@code embedding}: {@link EmbeddingHandler}. */
  public static final class Embedding implements HandlerProvider {
    @Override
    public String alias() {
      return "embedding";
    }

    @Override
    public Handler<?, ?> create() {
      return new EmbeddingHandler();
    }
  }

  /** {@code image-classifier}: {@link ImageClassifierHandler}. */
  public static final class ImageClassifier implements HandlerProvider {
    @Override
    public String alias() {
      return "image-classifier";
    }

    @Override
    public Handler<?, ?> create() {
      return new ImageClassifierHandler();
    }
  }
}
