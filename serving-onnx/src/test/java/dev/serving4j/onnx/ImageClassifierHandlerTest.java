package dev.serving4j.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serving4j.InvalidConfigException;
import dev.serving4j.InvalidInputException;
import dev.serving4j.ModelArchive;
import dev.serving4j.ModelServer;
import dev.serving4j.ServingException;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class ImageClassifierHandlerTest {
  @RegisterExtension
  final EngineFixture engines = new EngineFixture();

  private static final Map<String, String> PLAIN = Map.of("mean", "0,0,0", "std", "1,1,1", "topK", "2");

  private ImageClassifierHandler handler(Map<String, String> properties) throws IOException {
    ImageClassifierHandler h = new ImageClassifierHandler();
    h.initialize(new TestContext(engines.engine(Map.of()), EngineFixture.model("image_classifier.onnx"),
        properties));
    return h;
  }

  private static byte[] image(Color color, int w, int h, String format) throws IOException {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(color);
    g.fillRect(0, 0, w, h);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, format, out);
    return out.toByteArray();
  }

  @Test
  void eachImageGetsItsTopLabels() throws Exception {
    try (ImageClassifierHandler h = handler(PLAIN)) {
      TestBatch<Object> batch = TestBatch.of(image(Color.RED, 32, 20, "png"), image(Color.GREEN, 8, 8, "png"),
          image(Color.BLUE, 100, 50, "jpg"), image(Color.BLACK, 5, 5, "png"));
      List<List<Label>> out = TestBatch.run(h, batch);
      assertEquals(List.of("red", "green", "blue", "dark"), out.stream().map(l -> l.get(0).label()).toList());
      assertEquals(2, out.get(0).size());
      assertTrue(out.get(0).get(0).score() > 0.9f && out.get(0).get(0).score() <= 1f, out.get(0).toString());
    }
  }

  @Test
  void bytesThatAreNotAnImageAreRefusedWhilePreparedBeforeQueueing() throws Exception {
    try (ImageClassifierHandler h = handler(PLAIN)) {
      InvalidInputException e = assertThrows(InvalidInputException.class, () -> h.prepare(new byte[] {1, 2, 3}));
      assertTrue(e.getMessage().startsWith("model test:1 got 3 bytes that ImageIO cannot decode"), e.getMessage());
      assertThrows(InvalidInputException.class, () -> h.prepare(null));
    }
  }

  @Test
  void aBufferedImageIsClassifiedLikeItsEncodedBytes() throws Exception {
    try (ImageClassifierHandler h = handler(PLAIN)) {
      BufferedImage blue = new BufferedImage(12, 7, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = blue.createGraphics();
      g.setColor(Color.BLUE);
      g.fillRect(0, 0, 12, 7);
      g.dispose();
      List<List<Label>> out = TestBatch.run(h, TestBatch.of(blue, image(Color.BLUE, 12, 7, "png")));
      assertEquals(out.get(1), out.get(0));
      assertEquals("blue", out.get(0).get(0).label());
    }
  }

  @Test
  void bgrChannelOrderSwapsWhatTheModelSeesAsRedAndBlue() throws Exception {
    Map<String, String> bgr = new java.util.HashMap<>(PLAIN);
    bgr.put("channelOrder", "bgr");
    try (ImageClassifierHandler h = handler(bgr)) {
      assertEquals("blue", TestBatch.run(h, TestBatch.of(image(Color.RED, 8, 8, "png"))).get(0).get(0).label());
    }
  }

  @Test
  void keepAspectFitsTheImageAndPadsTheRest() throws Exception {
    Map<String, String> keep = new java.util.HashMap<>(PLAIN);
    keep.put("keepAspect", "true");
    try (ImageClassifierHandler h = handler(keep)) {
      ImageTensor t = h.prepare(image(Color.RED, 40, 10, "png"));
      assertEquals(t.width(), t.contentWidth());
      assertTrue(t.contentHeight() < t.height(), t.toString());
      assertEquals(0f, t.get(0, t.height() - 1, 0), "padding is 0 in the normalised tensor");
    }
  }

  @Test
  void softmaxPropertyTurnsScoresIntoProbabilitiesAgain() throws Exception {
    try (ImageClassifierHandler h = handler(Map.of("mean", "0,0,0", "std", "1,1,1", "softmax", "true",
        "topK", "10"))) {
      List<List<Label>> out = TestBatch.run(h, TestBatch.of(image(Color.RED, 8, 8, "png")));
      assertEquals(4, out.get(0).size(), "topK is capped at the class count");
      assertEquals(1.0, out.get(0).stream().mapToDouble(Label::score).sum(), 1e-5);
    }
  }

  @Test
  void invalidPropertiesAreRejectedNamingTheProperty() {
    for (Map<String, String> bad : List.of(Map.of("std", "1,0,1"), Map.of("mean", "0,0"), Map.of("width", "16"),
        Map.of("topK", "0"), Map.of("labels", "missing.txt"))) {
      InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> handler(bad).close());
      String key = bad.keySet().iterator().next();
      assertTrue(e.getMessage().contains(key), e.getMessage());
    }
  }

  @Test
  void theSchedulingInstanceNeedsNoModelWhenTheSizeIsSet(@TempDir Path dir) throws Exception {
    Map<String, String> sized = new java.util.HashMap<>(PLAIN);
    sized.put("width", "4");
    sized.put("height", "4");
    TestContext noModel = new TestContext(engines.engine(Map.of()), dir, "absent.onnx", sized, -1);
    try (ImageClassifierHandler h = new ImageClassifierHandler()) {
      h.initialize(noModel);
      assertEquals(4, h.prepare(image(Color.RED, 9, 3, "png")).width());
    }
  }

  private static ModelArchive.Builder archive(byte[] warmup) {
    return ModelArchive.builder("warm", "1").handler("image-classifier").engine("onnxruntime")
        .modelFile("model.onnx", EngineFixture.model("image_classifier.onnx"))
        .file("labels.txt", EngineFixture.model("labels.txt"))
        .handlerProperty("mean", "0,0,0").handlerProperty("std", "1,1,1")
        .warmupFile("warmup/red.png", warmup);
  }

  @Test
  void warmUpFilesAreReadAsImages(@TempDir Path dir) throws Exception {
    try (ModelServer server = ModelServer.builder().build()) {
      server.register(archive(image(Color.RED, 8, 8, "png")).writeDirectory(dir.resolve("warm")));
      assertEquals("green", server.client("warm", Object.class, List.class)
          .predict(image(Color.GREEN, 8, 8, "png")).join().stream().map(l -> ((Label) l).label()).findFirst()
          .orElseThrow());
    }
  }

  @Test
  void aWarmUpFileThatIsNotAnImageFailsTheWorkerNamingTheFile(@TempDir Path dir) {
    try (ModelServer server = ModelServer.builder().restartBackoff(java.time.Duration.ofMillis(1),
        java.time.Duration.ofMillis(1)).build()) {
      ServingException e = assertThrows(ServingException.class,
          () -> server.register(archive(new byte[] {1, 2, 3}).writeDirectory(dir.resolve("cold"))));
      assertTrue(String.valueOf(e.getMessage()).contains("warmup/red.png")
          || String.valueOf(e.getCause()).contains("warmup/red.png"), e.toString());
    }
  }
}
