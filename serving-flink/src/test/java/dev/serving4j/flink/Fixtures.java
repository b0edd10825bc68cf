package dev.serving4j.flink;

import dev.serving4j.ModelArchive;
import dev.serving4j.examples.MiniLmArchive;
import dev.serving4j.examples.MiniLmFiles;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/** Archives, inputs and the MiniCluster shared by the tests. */
final class Fixtures {
  static final int PARALLELISM = 2;
  /** The tiny classifier's classes, in the order {@link #image(int)} cycles through them. */
  static final List<String> LABELS = List.of("red", "green", "blue", "dark");
  private static final List<Color> COLORS = List.of(Color.RED, Color.GREEN, Color.BLUE, Color.BLACK);
  private static final byte[][] IMAGES = COLORS.stream().map(Fixtures::png).toArray(byte[][]::new);
  /** Bytes no image reader accepts: the image-classifier handler fails such an item alone. */
  static final byte[] NOT_AN_IMAGE = {1, 2, 3};

  private Fixtures() {}

  /** One TaskManager with two slots, like a small real one: both subtasks share the JVM's server. */
  static MiniClusterExtension miniCluster(Configuration configuration) {
    return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
        .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(PARALLELISM).setConfiguration(configuration)
        .build());
  }

  /** The tiny ONNX image classifier as an {@code image-classifier} archive zip. */
  static Path classifierArchive(Path directory) {
    Path model = copy("models/image_classifier.onnx", directory.resolve("image_classifier.onnx"));
    Path labels = copy("models/labels.txt", directory.resolve("labels.txt"));
    return ModelArchive.builder("colors", "1")
        .handler("image-classifier")
        .engine("onnxruntime")
        .modelFile("model.onnx", model)
        .file("labels.txt", labels)
        .handlerProperty("mean", "0,0,0")
        .handlerProperty("std", "1,1,1")
        .handlerProperty("topK", "2")
        .config(Map.of("maxBatchSize", 32, "maxBatchDelay", "2ms", "engineOptions", Map.of("intraOpThreads", 1)))
        .writeZip(directory.resolve("colors.s4j"));
  }

  /** all-MiniLM-L6-v2 as the examples package it. */
  static Path miniLmArchive(Path directory) {
    return MiniLmArchive.writeZip(MiniLmFiles.copyTo(directory), directory.resolve("minilm.s4j"));
  }

  /** Record {@code i}'s image: a plain PNG of colour {@code LABELS.get(i % 4)}. */
  static byte[] image(long i) {
    return IMAGES[(int) (i % IMAGES.length)];
  }

  private static byte[] png(Color color) {
    BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(color);
    g.fillRect(0, 0, 8, 8);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(img, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static Path copy(String resource, Path target) {
    try (InputStream in = Fixtures.class.getClassLoader().getResourceAsStream(resource)) {
      Files.copy(in, target);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
