package dev.serving4j.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serving4j.HandlerException;
import dev.serving4j.ModelArchive;
import dev.serving4j.ModelClient;
import dev.serving4j.ModelServer;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An image-only application's class path: serving-onnx without its optional tokenizer and the text stack it brings.
 * Run only by serving-onnx's {@code without-text-stack} surefire execution, which removes those jars.
 */
@Tag("without-text-stack")
class TextStackAbsentTest {
  @TempDir
  Path work;

  @Test
  void theTextStackIsNotOnThisClassPath() {
    for (String name : List.of("ai.djl.huggingface.tokenizers.HuggingFaceTokenizer", "ai.djl.util.Platform",
        "com.sun.jna.Native", "com.google.gson.Gson", "org.apache.commons.compress.archivers.ArchiveEntry")) {
      assertThrows(ClassNotFoundException.class, () -> Class.forName(name), name);
    }
  }

  @Test
  void anImageModelServesWithoutTheTokenizer() throws IOException {
    Path archive = ModelArchive.builder("colours", "1")
        .handler("image-classifier").engine("onnxruntime")
        .modelFile("model.onnx", EngineFixture.model("image_classifier.onnx"))
        .file("labels.txt", EngineFixture.model("labels.txt"))
        .handlerProperty("mean", "0,0,0").handlerProperty("std", "1,1,1")
        .writeZip(work.resolve("colours.s4j"));
    try (ModelServer server = ModelServer.builder().build()) {
      server.register(archive);
      @SuppressWarnings("unchecked")
      ModelClient<byte[], List<Label>> colours = server.client("colours", byte[].class, (Class) List.class);
      assertEquals("red", colours.predict(png(Color.RED)).join().get(0).label());
    }
  }

  @Test
  void theEmbeddingHandlerNamesTheMissingArtifact() {
    Path archive = ModelArchive.builder("minilm", "1")
        .handler("embedding").engine("onnxruntime")
        .modelFile("model.onnx", EngineFixture.model("image_classifier.onnx"))
        .file("tokenizer.json", "{}".getBytes(StandardCharsets.UTF_8))
        .writeZip(work.resolve("minilm.s4j"));
    try (ModelServer server = ModelServer.builder().build()) {
      HandlerException e = assertThrows(HandlerException.class, () -> server.register(archive));
      MissingDependencyException missing = cause(e);
      assertEquals("ai.djl.huggingface:tokenizers", missing.artifact());
      assertTrue(missing.getMessage().contains("model minilm uses the embedding handler, which needs"
          + " ai.djl.huggingface:tokenizers"), missing.getMessage());
    }
  }

  private static MissingDependencyException cause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof MissingDependencyException m) {
        return m;
      }
    }
    throw new AssertionError("no MissingDependencyException in the causes of " + e, e);
  }

  private static byte[] png(Color color) throws IOException {
    BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(color);
    g.fillRect(0, 0, 8, 8);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    javax.imageio.ImageIO.write(image, "png", out);
    return out.toByteArray();
  }
}
