package dev.serving4j.benchmarks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serving4j.onnx.Tensor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench tool's inputs are read to match the handler's declared input type. */
class InputSetTest {
  private static final Predicate<Class<?>> ANYTHING = c -> true;

  @TempDir
  Path dir;

  @Test
  void folderOfImagesGivesDecodedImagesInNameOrderWhenTheHandlerTakesThem() throws IOException {
    png(dir.resolve("b.png"), 3, 2);
    png(dir.resolve("a.png"), 5, 4);
    List<Object> inputs = InputSet.read(dir.toString(), ANYTHING);
    assertEquals(2, inputs.size());
    assertEquals(5, assertInstanceOf(BufferedImage.class, inputs.get(0)).getWidth());
  }

  @Test
  void folderGivesRawBytesWhenTheHandlerTakesOnlyBytes() throws IOException {
    Files.write(dir.resolve("x.bin"), new byte[] {1, 2, 3});
    List<Object> inputs = InputSet.read(dir.toString(), c -> c == byte[].class);
    assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) inputs.get(0));
  }

  @Test
  void undecodableFileInAnImageFolderIsNamed() throws IOException {
    Files.writeString(dir.resolve("notes.txt"), "not an image");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> InputSet.read(dir.toString(), ANYTHING));
    assertTrue(e.getMessage().contains("notes.txt"), e.getMessage());
  }

  @Test
  void jsonLinesOfStringsGiveStrings() throws IOException {
    Path file = Files.writeString(dir.resolve("q.jsonl"), "\"first query\"\n\n\"second\"\n");
    assertEquals(List.of("first query", "second"), InputSet.read(file.toString(), ANYTHING));
  }

  @Test
  void jsonLinesOfNamedTensorsGiveTensorMaps() throws IOException {
    Path file = Files.writeString(dir.resolve("t.jsonl"),
        "{\"x\": {\"shape\": [1, 2], \"data\": [0.5, 1.5]}, \"ids\": {\"shape\": [2], \"data\": [7, 8], "
            + "\"dtype\": \"int64\"}}\n");
    Map<?, ?> tensors = assertInstanceOf(Map.class, InputSet.read(file.toString(), ANYTHING).get(0));
    assertEquals(Tensor.of(new float[] {0.5f, 1.5f}, 1, 2), tensors.get("x"));
    assertEquals(Tensor.of(new long[] {7, 8}, 2), tensors.get("ids"));
  }

  @Test
  void tensorWhoseDataDoesNotFillItsShapeIsRefusedWithItsLine() throws IOException {
    Path file = Files.writeString(dir.resolve("t.jsonl"), "{\"x\": {\"shape\": [2, 2], \"data\": [1, 2, 3]}}\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> InputSet.read(file.toString(), ANYTHING));
    assertTrue(e.getMessage().contains("line 1 tensor 'x'") && e.getMessage().contains("4 elements"),
        e.getMessage());
  }

  @Test
  void inputOfATypeTheHandlerDoesNotTakeIsRefused() throws IOException {
    Path file = Files.writeString(dir.resolve("q.jsonl"), "\"text\"\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> InputSet.read(file.toString(), c -> c == Map.class));
    assertTrue(e.getMessage().contains("String inputs"), e.getMessage());
  }

  @Test
  void builtInCorpusGivesTexts() {
    assertInstanceOf(String.class, InputSet.read(Workload.SHORT, ANYTHING).get(0));
  }

  private static void png(Path file, int width, int height) throws IOException {
    ImageIO.write(new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB), "png", file.toFile());
  }
}
