package dev.serving4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serving4j.InvalidInputException;
import dev.serving4j.onnx.ImagePreprocessor.ChannelOrder;
import dev.serving4j.onnx.ImagePreprocessor.Layout;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** Every operation of the image toolkit, pixel by pixel on tiny synthetic images. */
class ImagePreprocessorTest {
  /** Raw values: scale 1, mean 0, std 1, so each float is the 8-bit value itself. */
  private static final ImagePreprocessor RAW = ImagePreprocessor.builder().scale(1).build();

  /** A 2x1 image: a red-ish pixel (10, 20, 30) then a blue-ish one (40, 50, 60). */
  private static BufferedImage twoPixels() {
    BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
    image.setRGB(0, 0, 10 << 16 | 20 << 8 | 30);
    image.setRGB(1, 0, 40 << 16 | 50 << 8 | 60);
    return image;
  }

  private static BufferedImage solid(int w, int h, int rgb) {
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        image.setRGB(x, y, rgb);
      }
    }
    return image;
  }

  private static float[] floats(ImageTensor t) {
    float[] out = new float[t.floats().remaining()];
    t.floats().get(out);
    return out;
  }

  private static float[] floats(Tensor t) {
    return t.toFloatArray();
  }

  @Test
  void nchwRgbPutsEachColourInItsOwnPlane() {
    assertArrayEquals(new float[] {10, 40, 20, 50, 30, 60}, floats(RAW.apply(twoPixels())));
  }

  @Test
  void bgrReversesThePlanes() {
    ImagePreprocessor bgr = RAW.toBuilder().channelOrder(ChannelOrder.BGR).build();
    assertArrayEquals(new float[] {30, 60, 20, 50, 10, 40}, floats(bgr.apply(twoPixels())));
  }

  @Test
  void nhwcInterleavesTheChannelsPerPixel() {
    ImagePreprocessor nhwc = RAW.toBuilder().layout(Layout.NHWC).build();
    assertArrayEquals(new float[] {10, 20, 30, 40, 50, 60}, floats(nhwc.apply(twoPixels())));
    assertArrayEquals(new long[] {1, 1, 2, 3}, nhwc.apply(twoPixels()).tensor().shape());
  }

  @Test
  void normalisationScalesThenSubtractsTheMeanAndDividesByTheStdPerColour() {
    ImagePreprocessor paddle = ImagePreprocessor.builder().mean(0.5f, 0.5f, 0.5f).std(0.5f, 0.5f, 0.5f).build();
    BufferedImage image = new BufferedImage(3, 1, BufferedImage.TYPE_INT_RGB);
    image.setRGB(0, 0, 0x000000);
    image.setRGB(1, 0, 0xFFFFFF);
    image.setRGB(2, 0, 0x000000 | 51 << 8);
    ImageTensor t = paddle.apply(image);
    assertEquals(-1f, t.get(0, 0, 0));
    assertEquals(1f, t.get(1, 0, 1), 1e-6);
    assertEquals((51 / 255f - 0.5f) / 0.5f, t.get(1, 0, 2), 1e-6);
    ImagePreprocessor perColour = ImagePreprocessor.builder().scale(1).mean(1, 2, 3).std(1, 2, 4).build();
    assertArrayEquals(new float[] {9, 39, 9, 24, 6.75f, 14.25f}, floats(perColour.apply(twoPixels())));
  }

  @Test
  void resizingToTheSameSizeKeepsEveryPixelExactly() {
    ImagePreprocessor same = RAW.toBuilder().resize(Resize.exact(2, 1)).build();
    assertArrayEquals(floats(RAW.apply(twoPixels())), floats(same.apply(twoPixels())));
  }

  @Test
  void exactResizeStretchesASolidImageWithoutChangingItsColour() {
    ImageTensor t = RAW.toBuilder().resize(Resize.exact(5, 3)).build().apply(solid(2, 2, 0x102030));
    assertEquals(5, t.width());
    assertEquals(3, t.height());
    for (int i = 0; i < 15; i++) {
      assertEquals(16f, floats(t)[i]);
      assertEquals(48f, floats(t)[30 + i]);
    }
  }

  @Test
  void resizeModesComputeTheDocumentedSizes() {
    assertArrayEquals(new int[] {100, 50}, Resize.keepAspect(100, 100).target(400, 200));
    assertArrayEquals(new int[] {25, 50}, Resize.keepAspect(100, 50).target(20, 40), "scales up too");
    assertArrayEquals(new int[] {144, 48}, Resize.toHeight(48, 320).target(300, 100));
    assertArrayEquals(new int[] {320, 48}, Resize.toHeight(48, 320).target(3000, 100), "width capped");
    assertArrayEquals(new int[] {960, 480}, Resize.atMost(960).target(1920, 960));
    assertArrayEquals(new int[] {300, 100}, Resize.atMost(960).target(300, 100), "never scales up");
    assertArrayEquals(new int[] {288, 96}, Resize.none().multipleOf(32).target(300, 100));
    assertArrayEquals(new int[] {32, 32}, Resize.none().multipleOf(32).target(5, 5), "at least one multiple");
  }

  @Test
  void padToPutsTheImageTopLeftAndFillsTheRestWithThePadValue() {
    ImagePreprocessor padded = RAW.toBuilder().padTo(3, 2).padValue(-7).build();
    ImageTensor t = padded.apply(twoPixels());
    assertEquals(2, t.contentWidth());
    assertEquals(3, t.width());
    assertArrayEquals(new float[] {10, 40, -7, -7, -7, -7, 20, 50, -7, -7, -7, -7, 30, 60, -7, -7, -7, -7},
        floats(t));
  }

  @Test
  void stackPadsEachImageToTheWidestAndTallestOfTheBatch() {
    ImagePreprocessor grey = RAW.toBuilder().padValue(-1).build();
    Tensor batch = grey.stack(List.of(grey.apply(solid(1, 1, 0x010203)), grey.apply(twoPixels())));
    assertArrayEquals(new long[] {2, 3, 1, 2}, batch.shape());
    assertArrayEquals(new float[] {1, -1, 2, -1, 3, -1, 10, 40, 20, 50, 30, 60}, floats(batch));
  }

  @Test
  void stackInNhwcPadsWholePixels() {
    ImagePreprocessor nhwc = RAW.toBuilder().layout(Layout.NHWC).build();
    Tensor batch = nhwc.stack(List.of(nhwc.apply(solid(1, 1, 0x010203)), nhwc.apply(twoPixels())));
    assertArrayEquals(new long[] {2, 1, 2, 3}, batch.shape());
    assertArrayEquals(new float[] {1, 2, 3, 0, 0, 0, 10, 20, 30, 40, 50, 60}, floats(batch));
  }

  @Test
  void stackedBatchIsOneDirectBufferHandedOverWithoutCopy() {
    Tensor batch = RAW.stack(List.of(RAW.apply(twoPixels())));
    assertTrue(batch.buffer().isDirect());
  }

  @Test
  void encodedBytesDecodeToTheSamePixels() throws IOException {
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(twoPixels(), "png", png);
    assertArrayEquals(floats(RAW.apply(twoPixels())), floats(RAW.apply((Object) png.toByteArray())));
  }

  @Test
  void rawPixelsOfOneThreeOrFourChannelsAreAccepted() {
    assertArrayEquals(floats(RAW.apply(twoPixels())),
        floats(RAW.apply(new byte[] {10, 20, 30, 40, 50, 60}, 2, 1, 3)));
    assertArrayEquals(new float[] {7, 7, 7}, floats(RAW.apply(new byte[] {7}, 1, 1, 1)));
    assertArrayEquals(new float[] {255, 255, 255}, floats(RAW.apply(new byte[] {0, 0, 0, 0}, 1, 1, 4)),
        "transparent composited over white");
  }

  @Test
  void badImagesAreRefusedWithTypedErrorsNamingTheModel() {
    ImagePreprocessor p = RAW.toBuilder().describedAs("model rec:1").build();
    List<Runnable> bad = List.of(
        () -> p.apply((Object) new byte[] {1, 2, 3}),
        () -> p.apply((Object) null),
        () -> p.apply("not an image"),
        () -> p.apply(new byte[6], 1, 1, 2),
        () -> p.apply(new byte[5], 2, 1, 3),
        () -> p.apply(new byte[0], 0, 0, 3),
        () -> p.toBuilder().padTo(1, 1).build().apply(twoPixels()),
        () -> p.stack(List.of()));
    for (Runnable call : bad) {
      InvalidInputException e = assertThrows(InvalidInputException.class, call::run);
      assertTrue(e.getMessage().startsWith("model rec:1"), e.getMessage());
    }
  }

  @Test
  void aWrongChannelCountSaysWhichCountsWork() {
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> RAW.apply(new byte[2], 1, 1, 2));
    assertEquals("image input got pixels with 2 channels; expected 1 (grey), 3 (RGB) or 4 (RGBA)",
        e.getMessage());
  }

  @Test
  void invalidSettingsAreRefusedByTheBuilder() {
    assertThrows(IllegalArgumentException.class, () -> ImagePreprocessor.builder().std(1, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> ImagePreprocessor.builder().scale(Float.NaN));
    assertThrows(IllegalArgumentException.class, () -> ImagePreprocessor.builder().padTo(0, 4));
    assertThrows(IllegalArgumentException.class, () -> Resize.toHeight(0, 10));
  }
}
