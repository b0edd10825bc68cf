package dev.serving4j.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * One image as a model sees it: three float channels, resized, normalised and possibly padded, in a direct
 * native-order buffer, plus what is needed to map results back to the source image (its size and the size of the
 * content before padding). Made by {@link ImagePreprocessor#apply}, typically in {@code Handler.prepare}; stacked into
 * a batch by {@link ImagePreprocessor#stack}. Immutable once made.
 */
public final class ImageTensor {
  private final ByteBuffer data;
  private final ImagePreprocessor.Layout layout;
  private final int width;
  private final int height;
  private final int contentWidth;
  private final int contentHeight;
  private final int sourceWidth;
  private final int sourceHeight;

  ImageTensor(ByteBuffer data, ImagePreprocessor.Layout layout, int width, int height, int contentWidth,
      int contentHeight, int sourceWidth, int sourceHeight) {
    this.data = data;
    this.layout = layout;
    this.width = width;
    this.height = height;
    this.contentWidth = contentWidth;
    this.contentHeight = contentHeight;
    this.sourceWidth = sourceWidth;
    this.sourceHeight = sourceHeight;
  }

  /** Number of channels (always 3). */
  public int channels() {
    return 3;
  }

  /** Width of the tensor, padding included. */
  public int width() {
    return width;
  }

  /** Height of the tensor, padding included. */
  public int height() {
    return height;
  }

  /** Width of the resized image inside the tensor (the rest, to the right, is padding). */
  public int contentWidth() {
    return contentWidth;
  }

  /** Height of the resized image inside the tensor (the rest, below, is padding). */
  public int contentHeight() {
    return contentHeight;
  }

  /** Width of the source image before resizing. */
  public int sourceWidth() {
    return sourceWidth;
  }

  /** Height of the source image before resizing. */
  public int sourceHeight() {
    return sourceHeight;
  }

  /** The layout of {@link #floats()}: {@code [3, height, width]} (NCHW) or {@code [height, width, 3]} (NHWC). */
  public ImagePreprocessor.Layout layout() {
    return layout;
  }

  /** The value at channel {@code c} (in the preprocessor's channel order), row {@code y}, column {@code x}. */
  public float get(int c, int y, int x) {
    return floats().get(index(c, y, x, width, height));
  }

  /** A read-only view of the elements (no copy), in {@link #layout()} order. */
  public FloatBuffer floats() {
    return data.asReadOnlyBuffer().order(ByteOrder.nativeOrder()).asFloatBuffer();
  }

  /** This image alone as a batch of one, {@code [1, 3, height, width]} or {@code [1, height, width, 3]}; no copy. */
  public Tensor tensor() {
    long[] shape = layout == ImagePreprocessor.Layout.NCHW ? new long[] {1, 3, height, width}
        : new long[] {1, height, width, 3};
    return Tensor.wrap(DType.FLOAT32, data.duplicate().order(ByteOrder.nativeOrder()), shape);
  }

  /** The backing buffer, for stacking. Never written to after construction. */
  ByteBuffer data() {
    return data.duplicate().order(ByteOrder.nativeOrder());
  }

  static int index(ImagePreprocessor.Layout layout, int c, int y, int x, int width, int height) {
    return layout == ImagePreprocessor.Layout.NCHW ? (c * height + y) * width + x : (y * width + x) * 3 + c;
  }

  private int index(int c, int y, int x, int w, int h) {
    return index(layout, c, y, x, w, h);
  }

  @Override
  public String toString() {
    return "ImageTensor[" + layout + " " + width + "x" + height + ", content " + contentWidth + "x" + contentHeight
        + ", source " + sourceWidth + "x" + sourceHeight + "]";
  }
}
