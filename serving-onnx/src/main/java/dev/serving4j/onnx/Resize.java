package dev.serving4j.onnx;

/**
 * How an {@link ImagePreprocessor} sizes an image before normalising it: not at all, to an exact size, to fit a box
 * keeping the aspect ratio, to a height (text lines), or down to a longest side. Any of them can then round each side
 * to a multiple ({@link #multipleOf}), as detectors whose strides need sides divisible by 32 require. Immutable.
 *
 * <p>Sizes are computed with {@code Math.round} on the scaled sides and are never below 1 pixel (a multiple is
 * never below the multiple itself).
 */
public final class Resize {
  private enum Kind { NONE, EXACT, KEEP_ASPECT, TO_HEIGHT, AT_MOST }

  private final Kind kind;
  private final int width;
  private final int height;
  private final int multiple;

  private Resize(Kind kind, int width, int height, int multiple) {
    this.kind = kind;
    this.width = width;
    this.height = height;
    this.multiple = multiple;
  }

  /** Keeps the image's own size. */
  public static Resize none() {
    return new Resize(Kind.NONE, 0, 0, 1);
  }

  /** Stretches to exactly {@code width x height}, ignoring the aspect ratio (what most classifiers expect). */
  public static Resize exact(int width, int height) {
    return new Resize(Kind.EXACT, positive("width", width), positive("height", height), 1);
  }

  /** Scales, up or down, to the largest size within {@code maxWidth x maxHeight} that keeps the aspect ratio. */
  public static Resize keepAspect(int maxWidth, int maxHeight) {
    return new Resize(Kind.KEEP_ASPECT, positive("maxWidth", maxWidth), positive("maxHeight", maxHeight), 1);
  }

  /**
   * Scales to {@code height} keeping the aspect ratio, the width then capped at {@code maxWidth} (the line is
   * squeezed rather than cut): what text recognizers and direction classifiers take.
   */
  public static Resize toHeight(int height, int maxWidth) {
    return new Resize(Kind.TO_HEIGHT, positive("maxWidth", maxWidth), positive("height", height), 1);
  }

  /** Scales down, keeping the aspect ratio, when the longer side exceeds {@code maxSide}; never scales up. */
  public static Resize atMost(int maxSide) {
    return new Resize(Kind.AT_MOST, positive("maxSide", maxSide), positive("maxSide", maxSide), 1);
  }

  /** This resize, then each side rounded to the nearest multiple of {@code multiple} (at least one multiple). */
  public Resize multipleOf(int multiple) {
    return new Resize(kind, width, height, positive("multiple", multiple));
  }

  private static int positive(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException("Resize " + name + " must be >= 1, was " + value);
    }
    return value;
  }

  /** The size, {@code {width, height}}, an image of {@code sourceWidth x sourceHeight} is resized to. */
  public int[] target(int sourceWidth, int sourceHeight) {
    double w = sourceWidth;
    double h = sourceHeight;
    switch (kind) {
      case NONE -> { }
      case EXACT -> {
        w = width;
        h = height;
      }
      case KEEP_ASPECT -> {
        double s = Math.min(width / w, height / h);
        w *= s;
        h *= s;
      }
      case TO_HEIGHT -> {
        w = Math.min(width, Math.ceil(w * height / h));
        h = height;
      }
      case AT_MOST -> {
        double s = Math.min(1, width / Math.max(w, h));
        w *= s;
        h *= s;
      }
      default -> throw new IllegalStateException(kind.toString());
    }
    return new int[] {round(w), round(h)};
  }

  private int round(double side) {
    long r = Math.max(1, Math.round(side / multiple));
    return (int) Math.min(Integer.MAX_VALUE, r * multiple);
  }

  @Override
  public String toString() {
    String size = switch (kind) {
      case NONE -> "none";
      case EXACT -> "exact " + width + "x" + height;
      case KEEP_ASPECT -> "keepAspect within " + width + "x" + height;
      case TO_HEIGHT -> "toHeight " + height + " (width <= " + width + ")";
      case AT_MOST -> "atMost " + width;
    };
    return multiple == 1 ? size : size + ", multipleOf " + multiple;
  }
}
