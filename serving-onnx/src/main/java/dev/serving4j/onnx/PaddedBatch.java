package dev.serving4j.onnx;

import ai.onnxruntime.platform.Fp16Conversions;
import dev.serving4j.InvalidInputException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/**
 * Variable-length per-request tensors padded along dimension 1 to the longest in the batch, stacked along
 * dimension 0, with the matching mask (1 where a request has data, 0 where it was padded).
 *
 * <p>Each part has rank >= 2, {@code [rows, length, ...]}: token ids of one sentence are {@code [1, tokens]}. Parts
 * must share dtype and every dimension after the second. The result is {@code [sum of rows, longest, ...]} and the
 * mask {@code [sum of rows, longest]}.
 *
 * <p>Padding is the main cost of batching on CPU: a batch costs its largest part times its size. Callers that can
 * should batch parts of similar length together (the scheduler's cost-aware batching does this with the token count
 * an {@link EmbeddingHandler} reports).
 */
public final class PaddedBatch {
  private final Tensor tensor;
  private final Tensor mask;
  private final int[] rows;
  private final int[] lengths;

  private PaddedBatch(Tensor tensor, Tensor mask, int[] rows, int[] lengths) {
    this.tensor = tensor;
    this.mask = mask;
    this.rows = rows;
    this.lengths = lengths;
  }

  /** Pads with {@code padValue} and builds an int64 mask. */
  public static PaddedBatch of(List<Tensor> parts, double padValue) {
    return of(parts, padValue, DType.INT64);
  }

  /**
   * Pads {@code parts} along dimension 1 with {@code padValue} (converted to the parts' dtype) and builds a mask of
   * {@code maskType}.
   *
   * @throws InvalidInputException when the list is empty or a part is null, of rank {@code < 2}, or disagrees with the
   *     first part on dtype or on a dimension after the second (the message names the part's index)
   */
  public static PaddedBatch of(List<Tensor> parts, double padValue, DType maskType) {
    if (parts == null || parts.isEmpty()) {
      throw new InvalidInputException("nothing to pad: the list of tensors is empty");
    }
    Tensor first = parts.get(0);
    int n = parts.size();
    int[] rows = new int[n];
    int[] lengths = new int[n];
    int totalRows = 0;
    int longest = 0;
    for (int i = 0; i < n; i++) {
      Tensor p = parts.get(i);
      requireCompatible(first, p, i);
      rows[i] = (int) p.dim(0);
      lengths[i] = (int) p.dim(1);
      totalRows += rows[i];
      longest = Math.max(longest, lengths[i]);
    }
    long[] shape = first.shape();
    shape[0] = totalRows;
    shape[1] = longest;
    int innerElements = Tensor.checkedCount(Arrays.copyOfRange(shape, 2, shape.length));
    DType dtype = first.dtype();
    ByteBuffer out = Tensor.allocate(dtype, shape, Tensor.checkedCount(shape));
    ByteBuffer maskOut = Tensor.allocate(maskType, new long[] {totalRows, longest}, totalRows * longest);
    byte[] pad = encode(dtype, padValue);
    byte[] one = encode(maskType, 1);
    int rowBytes = longest * innerElements * dtype.byteSize();
    int row = 0;
    for (int i = 0; i < n; i++) {
      ByteBuffer src = parts.get(i).nativeBuffer();
      int dataBytes = lengths[i] * innerElements * dtype.byteSize();
      for (int r = 0; r < rows[i]; r++, row++) {
        out.position(row * rowBytes);
        out.put(src.limit(src.position() + dataBytes));
        fill(out, pad, (longest - lengths[i]) * innerElements);
        maskOut.position(row * longest * maskType.byteSize());
        fill(maskOut, one, lengths[i]);
      }
    }
    out.clear();
    maskOut.clear();
    return new PaddedBatch(Tensor.adopt(dtype, out, shape), Tensor.adopt(maskType, maskOut,
        new long[] {totalRows, longest}), rows, lengths);
  }

  private static void requireCompatible(Tensor first, Tensor p, int index) {
    if (p == null) {
      throw new InvalidInputException("tensor " + index + " to pad is null");
    }
    long[] a = first.shape();
    long[] b = p.shape();
    if (b.length < 2) {
      throw new InvalidInputException("tensor " + index + " has shape " + Arrays.toString(b)
          + "; padding needs rank >= 2 ([rows, length, ...])");
    }
    if (p.dtype() != first.dtype() || a.length != b.length || !Arrays.equals(a, 2, a.length, b, 2, b.length)) {
      throw new InvalidInputException("tensor " + index + " is " + p.dtype() + " " + Arrays.toString(b)
          + " but tensor 0 is " + first.dtype() + " " + Arrays.toString(a)
          + "; padded tensors must agree on dtype and on every dimension after the second");
    }
  }

  /** One element of {@code dtype} holding {@code value}, in native byte order. */
  private static byte[] encode(DType dtype, double value) {
    ByteBuffer b = ByteBuffer.allocate(dtype.byteSize()).order(ByteOrder.nativeOrder());
    switch (dtype) {
      case FLOAT32 -> b.putFloat((float) value);
      case FLOAT16 -> b.putShort(Fp16Conversions.floatToFp16((float) value));
      case INT64 -> b.putLong((long) value);
      case INT32 -> b.putInt((int) value);
      case UINT8 -> b.put((byte) (int) value);
      case BOOL -> b.put(value != 0 ? (byte) 1 : 0);
      default -> throw new IllegalStateException("unknown dtype " + dtype);
    }
    return b.array();
  }

  private static void fill(ByteBuffer out, byte[] element, int count) {
    boolean zero = true;
    for (byte x : element) {
      zero &= x == 0;
    }
    if (zero) {
      out.position(out.position() + count * element.length); // direct buffers start zeroed
      return;
    }
    for (int i = 0; i < count; i++) {
      out.put(element);
    }
  }

  /** The padded, stacked batch: {@code [sum of rows, longest, ...]}. */
  public Tensor tensor() {
    return tensor;
  }

  /** The mask, {@code [sum of rows, longest]}: 1 at real positions, 0 at padding. */
  public Tensor mask() {
    return mask;
  }

  /** Number of parts. */
  public int size() {
    return rows.length;
  }

  /** Rows part {@code index} contributed. */
  public int rows(int index) {
    return rows[index];
  }

  /** Unpadded length (dimension 1) of part {@code index}. */
  public int length(int index) {
    return lengths[index];
  }

  /** The padded length, dimension 1 of the batch. */
  public int maxLength() {
    return (int) tensor.dim(1);
  }

  /** Splits a batch output along dimension 0 back per part (see {@link TensorStack#split(Tensor, int[])}). */
  public List<Tensor> split(Tensor output) {
    return TensorStack.split(output, rows);
  }
}
