/**
 * serving4j's ONNX Runtime engine and built-in handlers. Exports only {@code dev.serving4j.onnx}: the engine itself
 * ({@code OnnxEngine}, its options and run guard) is package-private there, and the handler providers behind the
 * manifest aliases live in the unexported {@code dev.serving4j.onnx.internal}, reachable only through
 * {@link java.util.ServiceLoader}.
 */
module dev.serving4j.onnx {
  requires transitive dev.serving4j.core;
  requires com.microsoft.onnxruntime;
  // Optional in the pom: only EmbeddingHandler tokenizes. Absent, it fails with MissingDependencyException; present
  // on the module path it is resolved with the other automatic modules (ONNX Runtime is one) and read from here.
  requires static ai.djl.tokenizers;
  requires com.fasterxml.jackson.databind;
  requires java.desktop; // ImageIO and BufferedImage for the image handlers
  requires org.slf4j;

  exports dev.serving4j.onnx;

  provides dev.serving4j.spi.EngineProvider with dev.serving4j.onnx.OnnxEngineProvider;
  provides dev.serving4j.spi.HandlerProvider with
      dev.serving4j.onnx.internal.BuiltInHandlers.Tensor,
      dev.serving4j.onnx.internal.BuiltInHandlers.Embedding,
      dev.serving4j.onnx.internal.BuiltInHandlers.ImageClassifier;
}
