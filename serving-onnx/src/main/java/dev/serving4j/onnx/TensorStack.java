package dev.serving4j.onnx;

import dev.serving4j.InvalidInputException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Per-request tensors concatenated along dimension 0 into one batch tensor, remembering how many rows each request
 * contributed so the model's outputs can be {@link #split split} back per request.
 *
 * <p>Each part is a tensor as the model sees it for that request, batch dimension included: a request of shape
 * {@code [1, 4]} and one of {@code [2, 4]} stack into {@code [3, 4]}. Parts must share dtype and every dimension
 * after the first; use {@link PaddedBatch} for parts whose dimension 1 differs. The batch is built with one bulk
 * copy per part into a single direct buffer, which ONNX Runtime then reads in place.
 */
public final class TensorStack {
  private final Tensor tensor;
  private final int[] rows;

  private TensorStack(Tensor tensor, int[] rows) {
    this.tensor = tensor;
    this.rows = rows;
  }

  /**
   * Stacks {@code parts} along dimension 0.
   *
   * @throws InvalidInputException when the list is empty, a part is a scalar, or a part's dtype or trailing shape
   *     differs from the first part's (the message names the part's index)
   */
  public static TensorStack of(List<Tensor> parts) {
    if (parts == null || parts.isEmpty()) {
      throw new InvalidInputException("nothing to stack: the list of tensors is empty");
    }
    Tensor first = parts.get(0);
    int[] rows = new int[parts.size()];
    long total = 0;
    long bytes = 0;
    for (int i = 0; i < parts.size(); i++) {
      Tensor p = parts.get(i);
      requireCompatible(first, p, i);
      rows[i] = (int) p.dim(0);
      total += rows[i];
      bytes += p.nativeBuffer().remaining();
    }
    if (bytes > Integer.MAX_VALUE) {
      throw new InvalidInputException("stacked batch of " + bytes + " bytes is too large for one buffer");
    }
    ByteBuffer out = ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder());
    for (Tensor p : parts) {
      out.put(p.nativeBuffer());
    }
    out.clear();
    long[] shape = first.shape();
    shape[0] = total;
    return new TensorStack(Tensor.adopt(first.dtype(), out, shape), rows);
  }

  private static void requireCompatible(Tensor first, Tensor p, int index) {
    if (p == null) {
      throw new InvalidInputException("tensor " + index + " to stack is null");
    }
    if (p.rank() == 0) {
      throw new InvalidInputException("tensor " + index + " is a scalar; stacking needs a batch dimension");
    }
    long[] a = first.shape();
    long[] b = p.shape();
    if (p.dtype() != first.dtype() || a.length != b.length
        || !Arrays.equals(a, 1, a.length, b, 1, b.length)) {
      throw new InvalidInputException("tensor " + index + " is " + p.dtype() + " " + Arrays.toString(b)
          + " but tensor 0 is " + first.dtype() + " " + Arrays.toString(a)
          + "; stacked tensors must agree on dtype and on every dimension after the first");
    }
  }

  /** The stacked batch tensor. */
  public Tensor tensor() {
    return tensor;
  }

  /** Number of parts stacked. */
  public int size() {
    return rows.length;
  }

  /** Rows (dimension-0 size) part {@code index} contributed. */
  public int rows(int index) {
    return rows[index];
  }

  /** Total rows, the batch tensor's dimension 0. */
  public int totalRows() {
    return (int) tensor.dim(0);
  }

  /**
   * Splits a batch output (dimension 0 equal to {@link #totalRows()}) into one tensor per stacked part, copying
   * each part's rows into its own buffer so results do not keep the whole batch alive.
   *
   * @throws dev.serving4j.ServingException when the output's dimension 0 does not match
   */
  public List<Tensor> split(Tensor output) {
    return split(output, rows);
  }

  /** Splits {@code output} along dimension 0 into parts of the given row counts (copying each part). */
  public static List<Tensor> split(Tensor output, int[] rows) {
    long total = 0;
    for (int r : rows) {
      total += r;
    }
    if (output.rank() == 0 || output.dim(0) != total) {
      throw new dev.serving4j.ServingException("cannot split output " + output + " into " + rows.length
          + " parts of " + total + " rows in all: its dimension 0 must be the batch dimension");
    }
    long rowElements = total == 0 ? 0 : output.elementCount() / total;
    int rowBytes = (int) rowElements * output.dtype().byteSize();
    ByteBuffer src = output.nativeBuffer();
    List<Tensor> parts = new ArrayList<>(rows.length);
    int offset = 0;
    for (int r : rows) {
      ByteBuffer slice = src.duplicate().position(offset).limit(offset + r * rowBytes);
      long[] shape = output.shape();
      shape[0] = r;
      parts.add(Tensor.copyOf(output.dtype(), slice.order(ByteOrder.nativeOrder()), shape));
      offset += r * rowBytes;
    }
    return parts;
  }
}
