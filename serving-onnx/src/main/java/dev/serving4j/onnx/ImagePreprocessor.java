package dev.serving4j.onnx;

import dev.serving4j.HandlerContext;
import dev.serving4j.InvalidConfigException;
import dev.serving4j.InvalidInputException;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.imageio.ImageIO;

/**
 * Turns images into model input without hand-written tensor code: decode (ImageIO), {@link Resize resize}
 * (bilinear), normalise {@code (v * scale - mean) / std} per channel, order the channels RGB or BGR, lay them out
 * NCHW or NHWC, optionally pad to a fixed size, and write the floats straight into a direct buffer that ONNX Runtime
 * reads in place. Immutable and thread-safe: one instance serves every caller's thread.
 *
 * <p>The intended split in a handler: {@link #apply} one image in {@code Handler.prepare} (on the caller's thread),
 * then {@link #stack} the prepared images in {@code preprocess}, padding each batch to its widest and tallest item.
 * <pre>{@code
 * ImagePreprocessor images = ImagePreprocessor.builder()
 *     .resize(Resize.toHeight(48, 1600)).channelOrder(ChannelOrder.BGR)
 *     .mean(0.5f, 0.5f, 0.5f).std(0.5f, 0.5f, 0.5f).build();       // (v/255 - 0.5) / 0.5
 * ImageTensor line = images.apply(bufferedImageOrBytes);           // prepare
 * Tensor batch = images.stack(prepared);                           // preprocess: [n, 3, 48, widest]
 * }</pre>
 *
 * <p>{@code mean} and {@code std} are given in R, G, B order whatever the channel order. Padding cells hold
 * {@code padValue}, a value of the normalised tensor (0 is mid-grey for {@code (v/255 - 0.5) / 0.5}). Transparent
 * pixels are composited over white. Bad images fail with an {@link InvalidInputException} before any native code:
 * bytes ImageIO cannot decode, an image of zero width or height, raw pixels with a channel count other than 1, 3 or
 * 4, or an image larger than the fixed pad size.
 */
public final class ImagePreprocessor {
  /** Order of the colour channels in the tensor. */
  public enum ChannelOrder { RGB, BGR }

  /** Tensor layout: channels first ({@code [n, 3, h, w]}) or last ({@code [n, h, w, 3]}). */
  public enum Layout { NCHW, NHWC }

  private final Builder b;
  private final float[][] lookup; // per colour (R, G, B), per 8-bit value: the normalised float

  private ImagePreprocessor(Builder builder) {
    this.b = builder.copy();
    this.lookup = new float[3][256];
    for (int colour = 0; colour < 3; colour++) {
      for (int v = 0; v < 256; v++) {
        lookup[colour][v] = (v * b.scale - b.mean[colour]) / b.std[colour];
      }
    }
  }

  /** A builder with the defaults: no resize, no fixed padding, scale 1/255, mean 0, std 1, RGB, NCHW, pad 0. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this preprocessor's settings. */
  public Builder toBuilder() {
    return b.copy();
  }

  /** The value written into padding cells. */
  public float padValue() {
    return b.padValue;
  }

  /**
   * Prepares a {@link BufferedImage} or encoded image bytes ({@code byte[]}); anything else is refused.
   *
   * @throws InvalidInputException when {@code image} is null, of another type, undecodable or empty
   */
  public ImageTensor apply(Object image) {
    if (image instanceof BufferedImage i) {
      return apply(i);
    }
    if (image instanceof byte[] bytes) {
      return apply(decode(bytes));
    }
    throw new InvalidInputException(b.subject + " takes a java.awt.image.BufferedImage or encoded image bytes "
        + "(byte[]), got " + (image == null ? "null" : image.getClass().getName()));
  }

  /**
   * Resizes, normalises and lays out one image.
   *
   * @throws InvalidInputException when the image has zero width or height, or exceeds the fixed pad size
   */
  public ImageTensor apply(BufferedImage image) {
    if (image == null || image.getWidth() < 1 || image.getHeight() < 1) {
      throw new InvalidInputException(b.subject + " got an image of size "
          + (image == null ? "null" : image.getWidth() + "x" + image.getHeight()) + "; expected at least 1x1");
    }
    int[] size = b.resize.target(image.getWidth(), image.getHeight());
    int w = Math.max(size[0], b.padWidth);
    int h = Math.max(size[1], b.padHeight);
    if (b.padWidth > 0 && (w > b.padWidth || h > b.padHeight)) {
      throw new InvalidInputException(b.subject + ": image resized to " + size[0] + "x" + size[1] + " (" + b.resize
          + ") does not fit the fixed size " + b.padWidth + "x" + b.padHeight);
    }
    int[] rgb = rgb(image, size[0], size[1]);
    ByteBuffer out = allocate(3L * w * h);
    write(rgb, size[0], size[1], out.asFloatBuffer(), w, h);
    return new ImageTensor(out, b.layout, w, h, size[0], size[1], image.getWidth(), image.getHeight());
  }

  /**
   * Prepares raw interleaved 8-bit pixels, row by row: 1 channel (grey), 3 (RGB) or 4 (RGBA).
   *
   * @throws InvalidInputException when the channel count is not 1, 3 or 4, a side is 0, or the length is not
   *     {@code width * height * channels}
   */
  public ImageTensor apply(byte[] pixels, int width, int height, int channels) {
    if (channels != 1 && channels != 3 && channels != 4) {
      throw new InvalidInputException(b.subject + " got pixels with " + channels + " channels; expected 1 (grey), 3 "
          + "(RGB) or 4 (RGBA)");
    }
    if (width < 1 || height < 1 || pixels == null || pixels.length != (long) width * height * channels) {
      throw new InvalidInputException(b.subject + " got " + (pixels == null ? "no" : pixels.length) + " bytes for a "
          + width + "x" + height + " image of " + channels + " channels; expected width, height >= 1 and "
          + "width * height * channels bytes");
    }
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
    for (int p = 0, i = 0; p < width * height; p++, i += channels) {
      int r = pixels[i] & 0xFF;
      int g = channels == 1 ? r : pixels[i + 1] & 0xFF;
      int bl = channels == 1 ? r : pixels[i + 2] & 0xFF;
      int a = channels == 4 ? pixels[i + 3] & 0xFF : 0xFF;
      image.setRGB(p % width, p / width, a << 24 | r << 16 | g << 8 | bl);
    }
    return apply(image);
  }

  /**
   * Stacks a batch's prepared images ({@code Batch.prepared(i)}, made by {@link #apply} in the handler's
   * {@code prepare}; an item not prepared that way is prepared here) into one batch tensor, as
   * {@link #stack(List)}.
   */
  public Tensor stack(dev.serving4j.Batch<?> batch) {
    List<ImageTensor> prepared = new java.util.ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      prepared.add(batch.prepared(i) instanceof ImageTensor t ? t : apply(batch.input(i)));
    }
    return stack(prepared);
  }

  /**
   * Stacks prepared images into one batch tensor, each padded (right and bottom, with {@link #padValue()}) to the
   * widest and tallest of them: {@code [n, 3, h, w]} or {@code [n, h, w, 3]}. One direct buffer, no other copy.
   *
   * @throws InvalidInputException when the list is empty or mixes layouts
   */
  public Tensor stack(List<ImageTensor> images) {
    if (images == null || images.isEmpty()) {
      throw new InvalidInputException(b.subject + ": nothing to stack, the list of images is empty");
    }
    int w = 0;
    int h = 0;
    for (ImageTensor t : images) {
      if (t.layout() != b.layout) {
        throw new InvalidInputException(b.subject + ": cannot stack a " + t.layout() + " image into a " + b.layout
            + " batch");
      }
      w = Math.max(w, t.width());
      h = Math.max(h, t.height());
    }
    int plane = 3 * w * h;
    ByteBuffer out = allocate((long) plane * images.size());
    FloatBuffer floats = out.asFloatBuffer();
    for (int n = 0; n < images.size(); n++) {
      copyPadded(images.get(n), floats, n * plane, w, h);
    }
    long[] shape = b.layout == Layout.NCHW ? new long[] {images.size(), 3, h, w}
        : new long[] {images.size(), h, w, 3};
    return Tensor.wrap(DType.FLOAT32, out, shape);
  }

  /** Copies one image into a {@code w x h} slot at {@code offset}; its rows are contiguous runs in both layouts. */
  private static void copyPadded(ImageTensor t, FloatBuffer out, int offset, int w, int h) {
    FloatBuffer src = t.data().asFloatBuffer();
    boolean nchw = t.layout() == Layout.NCHW;
    int run = nchw ? t.width() : 3 * t.width();
    int rows = nchw ? 3 * t.height() : t.height();
    for (int r = 0; r < rows; r++) {
      int y = nchw ? r % t.height() : r;
      int c = nchw ? r / t.height() : 0;
      out.put(offset + ImageTensor.index(t.layout(), c, y, 0, w, h), src, r * run, run);
    }
  }

  /**
   * Decodes PNG, JPEG, BMP, GIF or anything else an installed ImageIO reader takes.
   *
   * @throws InvalidInputException when {@code bytes} is null or no reader can decode it
   */
  public BufferedImage decode(byte[] bytes) {
    BufferedImage image = null;
    try {
      image = bytes == null ? null : ImageIO.read(new ByteArrayInputStream(bytes));
    } catch (IOException | RuntimeException e) {
      image = null; // a truncated file: reported below like any other undecodable input
    }
    if (image == null) {
      throw new InvalidInputException(b.subject + " got " + (bytes == null ? "null" : bytes.length + " bytes")
          + " that ImageIO cannot decode; expected an encoded image (PNG, JPEG, BMP, GIF)");
    }
    return image;
  }

  /**
   * The manifest's {@code warmupFiles} decoded as images: the default warm-up inputs of an image handler (the core's
   * default understands only text and bytes). Call it from {@code Handler.warmupInputs}.
   *
   * @throws InvalidConfigException when a warm-up file is not an image
   */
  public static <I> List<I> warmupImages(HandlerContext context) throws IOException {
    List<Object> images = new ArrayList<>();
    for (String file : context.manifest().warmupFiles()) {
      Path path = context.modelDirectory().resolve(file);
      BufferedImage image = ImageIO.read(path.toFile());
      if (image == null) {
        throw new InvalidConfigException("warm-up file " + file + " of model " + context.modelName() + ":"
            + context.modelVersion() + " is not an image ImageIO can decode (" + Files.size(path) + " bytes)");
      }
      images.add(image);
    }
    @SuppressWarnings("unchecked")
    List<I> typed = (List<I>) images;
    return typed;
  }

  /** The source scaled to {@code w x h} as packed RGB ints, transparency composited over white. */
  private static int[] rgb(BufferedImage image, int w, int h) {
    BufferedImage src = image;
    if (w != image.getWidth() || h != image.getHeight() || image.getColorModel().hasAlpha()) {
      src = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = src.createGraphics();
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, w, h);
      g.drawImage(image, 0, 0, w, h, null);
      g.dispose();
    }
    return src.getRGB(0, 0, w, h, null, 0, w);
  }

  /** Writes {@code rgb} ({@code cw x ch}) normalised into the top-left corner of a {@code w x h} image. */
  private void write(int[] rgb, int cw, int ch, FloatBuffer out, int w, int h) {
    for (int c = 0; c < 3; c++) {
      int colour = b.order == ChannelOrder.RGB ? c : 2 - c;
      float[] table = lookup[colour];
      int shift = 16 - 8 * colour;
      for (int y = 0; y < ch; y++) {
        for (int x = 0; x < cw; x++) {
          out.put(ImageTensor.index(b.layout, c, y, x, w, h), table[(rgb[y * cw + x] >> shift) & 0xFF]);
        }
      }
    }
  }

  /** A direct native-order buffer of {@code count} floats, every one {@code padValue}. */
  private ByteBuffer allocate(long count) {
    if (count > Integer.MAX_VALUE / 4) {
      throw new InvalidInputException(b.subject + ": " + count + " floats are too many for one buffer");
    }
    ByteBuffer out = ByteBuffer.allocateDirect((int) count * 4).order(ByteOrder.nativeOrder());
    if (b.padValue != 0) { // direct buffers start zeroed
      FloatBuffer floats = out.asFloatBuffer();
      for (int i = 0; i < count; i++) {
        floats.put(i, b.padValue);
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return "ImagePreprocessor[" + b.resize + ", pad " + b.padWidth + "x" + b.padHeight + " with " + b.padValue
        + ", scale " + b.scale + ", " + b.order + ", " + b.layout + "]";
  }

  /** Settings of an {@link ImagePreprocessor}; each setter checks its argument. {@link #build} may be called again. */
  public static final class Builder {
    private Resize resize = Resize.none();
    private int padWidth;
    private int padHeight;
    private float padValue;
    private float scale = 1 / 255f;
    private float[] mean = {0, 0, 0};
    private float[] std = {1, 1, 1};
    private ChannelOrder order = ChannelOrder.RGB;
    private Layout layout = Layout.NCHW;
    private String subject = "image input";

    private Builder() {}

    /** How to size each image; default {@link Resize#none()}. */
    public Builder resize(Resize resize) {
      this.resize = Objects.requireNonNull(resize, "resize");
      return this;
    }

    /** Pads every image (right and bottom) to exactly {@code width x height}; a larger image is refused. */
    public Builder padTo(int width, int height) {
      if (width < 1 || height < 1) {
        throw new IllegalArgumentException("padTo size must be >= 1x1, was " + width + "x" + height);
      }
      this.padWidth = width;
      this.padHeight = height;
      return this;
    }

    /** The value of padding cells in the normalised tensor; default 0. */
    public Builder padValue(float value) {
      this.padValue = finite("padValue", value);
      return this;
    }

    /** Multiplies each 8-bit value before the mean is subtracted; default {@code 1/255}. */
    public Builder scale(float scale) {
      this.scale = finite("scale", scale);
      return this;
    }

    /** Per-colour means, in R, G, B order, subtracted after scaling; default 0. */
    public Builder mean(float r, float g, float b) {
      this.mean = new float[] {finite("mean", r), finite("mean", g), finite("mean", b)};
      return this;
    }

    /** Per-colour standard deviations, in R, G, B order, none 0; default 1. */
    public Builder std(float r, float g, float b) {
      for (float s : new float[] {r, g, b}) {
        if (finite("std", s) == 0) {
          throw new IllegalArgumentException("std must not be 0, was " + r + "," + g + "," + b);
        }
      }
      this.std = new float[] {r, g, b};
      return this;
    }

    /** Channel order in the tensor; default RGB. */
    public Builder channelOrder(ChannelOrder order) {
      this.order = Objects.requireNonNull(order, "channelOrder");
      return this;
    }

    /** Tensor layout; default NCHW. */
    public Builder layout(Layout layout) {
      this.layout = Objects.requireNonNull(layout, "layout");
      return this;
    }

    /** What error messages call the input, such as {@code "model ocr-rec:1"}; default {@code "image input"}. */
    public Builder describedAs(String subject) {
      this.subject = Objects.requireNonNull(subject, "subject");
      return this;
    }

    /** An immutable preprocessor with these settings. */
    public ImagePreprocessor build() {
      return new ImagePreprocessor(this);
    }

    private static float finite(String name, float value) {
      if (!Float.isFinite(value)) {
        throw new IllegalArgumentException(name + " must be a finite number, was " + value);
      }
      return value;
    }

    private Builder copy() {
      Builder c = new Builder();
      c.resize = resize;
      c.padWidth = padWidth;
      c.padHeight = padHeight;
      c.padValue = padValue;
      c.scale = scale;
      c.mean = mean.clone();
      c.std = std.clone();
      c.order = order;
      c.layout = layout;
      c.subject = subject;
      return c;
    }
  }
}
