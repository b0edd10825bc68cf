package dev.serving4j.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.TensorInfo;
import java.util.Arrays;
import java.util.Objects;

/**
 * What a model declares for one input or output: its name, element type and shape, where {@code -1} marks a dynamic
 * dimension (ONNX's symbolic dimensions such as {@code batch}, named in {@link #dimensionNames()}).
 *
 * @param name the input or output name
 * @param dtype the element type, or null when serving4j does not batch the model's type (string, double...)
 * @param onnxType ONNX Runtime's name for the type, for messages
 * @param shape dimensions, {@code -1} where dynamic (returned as a copy)
 * @param dimensionNames symbolic dimension names, empty strings where none (returned as a copy)
 */
public record TensorSpec(String name, DType dtype, String onnxType, long[] shape, String[] dimensionNames) {
  /** Copies the arrays. */
  public TensorSpec {
    Objects.requireNonNull(name, "name");
    shape = shape.clone();
    dimensionNames = dimensionNames.clone();
  }

  /** The spec of a tensor node of a session; null for non-tensor nodes (maps, sequences). */
  static TensorSpec of(NodeInfo node) {
    if (!(node.getInfo() instanceof TensorInfo info)) {
      return null;
    }
    return new TensorSpec(node.getName(), DType.of(info.type), info.onnxType.toString(), info.getShape(),
        info.getDimensionNames());
  }

  /** The dimensions, {@code -1} where dynamic; a copy. */
  @Override
  public long[] shape() {
    return shape.clone();
  }

  /** The symbolic dimension names, empty strings where none; a copy. */
  @Override
  public String[] dimensionNames() {
    return dimensionNames.clone();
  }

  /** Number of dimensions. */
  public int rank() {
    return shape.length;
  }

  /** True when dimension 0 exists and is dynamic, so requests can be stacked along it. */
  public boolean hasDynamicBatch() {
    return shape.length >= 1 && shape[0] < 0;
  }

  /** The type and shape as written in messages: {@code float32 [batch, 4]}. */
  public String describe() {
    StringBuilder b = new StringBuilder(dtype == null ? onnxType : dtype.toString()).append(" [");
    for (int i = 0; i < shape.length; i++) {
      b.append(i == 0 ? "" : ", ");
      String dimName = i < dimensionNames.length ? dimensionNames[i] : "";
      b.append(shape[i] >= 0 ? Long.toString(shape[i]) : dimName.isEmpty() ? "?" : dimName);
    }
    return b.append(']').toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorSpec s && s.name.equals(name) && s.dtype == dtype && s.onnxType.equals(onnxType)
        && Arrays.equals(s.shape, shape) && Arrays.equals(s.dimensionNames, dimensionNames);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, dtype, onnxType, Arrays.hashCode(shape), Arrays.hashCode(dimensionNames));
  }

  @Override
  public String toString() {
    return name + ": " + describe();
  }
}
