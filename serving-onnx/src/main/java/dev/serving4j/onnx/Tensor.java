package dev.serving4j.onnx;

import ai.onnxruntime.platform.Fp16Conversions;
import dev.serving4j.InvalidInputException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable n-dimensional array: a {@link DType}, a shape, and the elements in a direct, native-order
 * {@link ByteBuffer} laid out row-major. Direct native-order storage is what ONNX Runtime reads without copying, so
 * a tensor goes into a run as is; no element is ever boxed.
 *
 * <p>Copies are explicit: the factories copy the given array once into native memory, and the {@code to*Array}
 * accessors copy out. {@link #buffer()} is a read-only view, no copy. Stacking many per-request tensors into one
 * batch tensor is {@link TensorStack}'s job; padding variable-length ones is {@link PaddedBatch}'s.
 */
public final class Tensor {
  private final DType dtype;
  private final long[] shape;
  private final ByteBuffer data;

  private Tensor(DType dtype, long[] shape, ByteBuffer data) {
    this.dtype = dtype;
    this.shape = shape;
    this.data = data;
  }

  /** A float32 tensor holding a copy of {@code data}. */
  public static Tensor of(float[] data, long... shape) {
    ByteBuffer b = allocate(DType.FLOAT32, shape, data.length);
    b.asFloatBuffer().put(data);
    return new Tensor(DType.FLOAT32, shape.clone(), b);
  }

  /** An int64 tensor holding a copy of {@code data}. */
  public static Tensor of(long[] data, long... shape) {
    ByteBuffer b = allocate(DType.INT64, shape, data.length);
    b.asLongBuffer().put(data);
    return new Tensor(DType.INT64, shape.clone(), b);
  }

  /** An int32 tensor holding a copy of {@code data}. */
  public static Tensor of(int[] data, long... shape) {
    ByteBuffer b = allocate(DType.INT32, shape, data.length);
    b.asIntBuffer().put(data);
    return new Tensor(DType.INT32, shape.clone(), b);
  }

  /** A bool tensor holding a copy of {@code data}. */
  public static Tensor of(boolean[] data, long... shape) {
    ByteBuffer b = allocate(DType.BOOL, shape, data.length);
    for (int i = 0; i < data.length; i++) {
      b.put(i, data[i] ? (byte) 1 : 0);
    }
    return new Tensor(DType.BOOL, shape.clone(), b);
  }

  /** A uint8 tensor holding a copy of {@code data} (each byte read as 0..255). */
  public static Tensor ofUint8(byte[] data, long... shape) {
    ByteBuffer b = allocate(DType.UINT8, shape, data.length);
    b.put(0, data, 0, data.length);
    return new Tensor(DType.UINT8, shape.clone(), b);
  }

  /** A float16 tensor: each float of {@code data} rounded to half precision. */
  public static Tensor ofFloat16(float[] data, long... shape) {
    ByteBuffer b = allocate(DType.FLOAT16, shape, data.length);
    for (int i = 0; i < data.length; i++) {
      b.putShort(2 * i, Fp16Conversions.floatToFp16(data[i]));
    }
    return new Tensor(DType.FLOAT16, shape.clone(), b);
  }

  /** A float16 tensor from raw IEEE half-precision bit patterns. */
  public static Tensor ofFloat16Bits(short[] bits, long... shape) {
    ByteBuffer b = allocate(DType.FLOAT16, shape, bits.length);
    b.asShortBuffer().put(bits);
    return new Tensor(DType.FLOAT16, shape.clone(), b);
  }

  /**
   * A tensor holding a copy of the remaining bytes of {@code data}, which must be in native byte order.
   *
   * @throws IllegalArgumentException when the byte count does not match the shape
   */
  public static Tensor copyOf(DType dtype, ByteBuffer data, long... shape) {
    Objects.requireNonNull(dtype, "dtype");
    int count = checkedCount(shape);
    if ((long) count * dtype.byteSize() != data.remaining()) {
      throw new IllegalArgumentException(data.remaining() + " bytes do not hold a " + dtype + " tensor of shape "
          + Arrays.toString(shape));
    }
    ByteBuffer b = ByteBuffer.allocateDirect(data.remaining()).order(ByteOrder.nativeOrder());
    b.put(data.duplicate());
    b.clear();
    return new Tensor(dtype, shape.clone(), b);
  }

  /**
   * A zero-filled tensor of {@code dtype} and {@code shape} in a direct native-order buffer: the output buffer to
   * pass to {@link OnnxModel#runInto}, which ONNX Runtime then writes into without a copy.
   */
  public static Tensor zeros(DType dtype, long... shape) {
    return new Tensor(dtype, shape.clone(), allocate(dtype, shape, checkedCount(shape)));
  }

  /**
   * A tensor over the remaining bytes of {@code direct}, without a copy: ONNX Runtime reads that memory in place.
   * Use it to hand over a batch written straight into a direct buffer (as {@link ImagePreprocessor#stack} does).
   * The tensor shares the memory: the caller must not write to the buffer afterwards.
   *
   * @throws IllegalArgumentException when the buffer is not direct, not in native byte order, or its remaining
   *     bytes do not hold exactly a {@code dtype} tensor of {@code shape}
   */
  public static Tensor wrap(DType dtype, ByteBuffer direct, long... shape) {
    Objects.requireNonNull(dtype, "dtype");
    Objects.requireNonNull(direct, "direct");
    if (!direct.isDirect() || direct.order() != ByteOrder.nativeOrder()) {
      throw new IllegalArgumentException("Tensor.wrap needs a direct buffer in native byte order (ByteBuffer"
          + ".allocateDirect(n).order(ByteOrder.nativeOrder())); use copyOf for other buffers");
    }
    return adopt(dtype, direct.slice().order(ByteOrder.nativeOrder()), shape);
  }

  /** Takes ownership of a direct, native-order buffer already sized for the shape; no copy. */
  static Tensor adopt(DType dtype, ByteBuffer direct, long[] shape) {
    if (!direct.isDirect() || direct.order() != ByteOrder.nativeOrder() || direct.position() != 0
        || (long) checkedCount(shape) * dtype.byteSize() != direct.limit()) {
      throw new IllegalArgumentException(direct.limit() + " bytes in a " + (direct.isDirect() ? "direct" : "heap")
          + " buffer do not hold a " + dtype + " tensor of shape " + Arrays.toString(shape));
    }
    return new Tensor(dtype, shape.clone(), direct);
  }

  /** A zeroed direct native-order buffer for {@code count} elements of {@code dtype}. */
  static ByteBuffer allocate(DType dtype, long[] shape, int count) {
    int expected = checkedCount(shape);
    if (expected != count) {
      throw new IllegalArgumentException(count + " elements do not fill shape " + Arrays.toString(shape)
          + " (" + expected + " elements)");
    }
    return ByteBuffer.allocateDirect(count * dtype.byteSize()).order(ByteOrder.nativeOrder());
  }

  /**
   * The element count of {@code shape}, checking every dimension is >= 0 and, with checked multiplication, that the
   * total fits a buffer (a product such as {@code 4 * (2^62 + 1)} must not wrap round to a small count).
   *
   * @throws InvalidInputException naming the shape, before any buffer is allocated or native code sees it
   */
  static int checkedCount(long[] shape) {
    long limit = Integer.MAX_VALUE / 8;
    long n = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new InvalidInputException("negative dimension in shape " + Arrays.toString(shape));
      }
      if (d == 0) {
        n = 0;
      }
    }
    for (long d : shape) {
      if (n != 0 && d > limit / n) {
        throw new InvalidInputException("shape " + Arrays.toString(shape) + " has more than " + limit
            + " elements, too many for one buffer");
      }
      n *= d;
    }
    return (int) n;
  }

  /** The element type. */
  public DType dtype() {
    return dtype;
  }

  /** A copy of the shape. */
  public long[] shape() {
    return shape.clone();
  }

  /** Number of dimensions. */
  public int rank() {
    return shape.length;
  }

  /** Size of dimension {@code axis}. */
  public long dim(int axis) {
    return shape[axis];
  }

  /** Number of elements. */
  public int elementCount() {
    return data.limit() / dtype.byteSize();
  }

  /** A read-only, native-order view of the elements (no copy). */
  public ByteBuffer buffer() {
    return data.asReadOnlyBuffer().order(ByteOrder.nativeOrder());
  }

  /** The backing buffer itself, for zero-copy hand-over to ONNX Runtime. Never written to. */
  ByteBuffer nativeBuffer() {
    return data.duplicate().order(ByteOrder.nativeOrder());
  }

  /** Copies the elements out as floats; float16 elements are widened. */
  public float[] toFloatArray() {
    float[] out = new float[elementCount()];
    if (dtype == DType.FLOAT16) {
      for (int i = 0; i < out.length; i++) {
        out[i] = Fp16Conversions.fp16ToFloat(data.getShort(2 * i));
      }
      return out;
    }
    require(DType.FLOAT32);
    buffer().asFloatBuffer().get(out);
    return out;
  }

  /** Copies int64 elements out. */
  public long[] toLongArray() {
    require(DType.INT64);
    long[] out = new long[elementCount()];
    buffer().asLongBuffer().get(out);
    return out;
  }

  /** Copies int32 elements out. */
  public int[] toIntArray() {
    require(DType.INT32);
    int[] out = new int[elementCount()];
    buffer().asIntBuffer().get(out);
    return out;
  }

  /** Copies uint8 or bool elements out as raw bytes. */
  public byte[] toByteArray() {
    if (dtype != DType.BOOL) {
      require(DType.UINT8);
    }
    byte[] out = new byte[elementCount()];
    buffer().get(out);
    return out;
  }

  /** Copies bool elements out. */
  public boolean[] toBooleanArray() {
    require(DType.BOOL);
    boolean[] out = new boolean[elementCount()];
    for (int i = 0; i < out.length; i++) {
      out[i] = data.get(i) != 0;
    }
    return out;
  }

  /** Copies float16 elements out as raw bits. */
  public short[] toFloat16Bits() {
    require(DType.FLOAT16);
    short[] out = new short[elementCount()];
    buffer().asShortBuffer().get(out);
    return out;
  }

  private void require(DType expected) {
    if (dtype != expected) {
      throw new IllegalStateException("tensor is " + dtype + ", not " + expected);
    }
  }

  /** Same dtype, shape and elements. */
  @Override
  public boolean equals(Object o) {
    return o instanceof Tensor t && t.dtype == dtype && Arrays.equals(t.shape, shape) && t.data.equals(data);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * dtype.hashCode() + Arrays.hashCode(shape)) + data.hashCode();
  }

  @Override
  public String toString() {
    return "Tensor[" + dtype + " " + Arrays.toString(shape) + "]";
  }
}
