package dev.serving4j.onnx;

import ai.onnxruntime.OnnxJavaType;

/** Element types a {@link Tensor} can hold: the ONNX tensor types serving4j batches. */
public enum DType {
  /** 32-bit IEEE float. */
  FLOAT32(4, OnnxJavaType.FLOAT),
  /** 16-bit IEEE half float, stored as its raw bits. */
  FLOAT16(2, OnnxJavaType.FLOAT16),
  /** 64-bit signed integer (token ids, masks). */
  INT64(8, OnnxJavaType.INT64),
  /** 32-bit signed integer. */
  INT32(4, OnnxJavaType.INT32),
  /** 8-bit unsigned integer (pixels). */
  UINT8(1, OnnxJavaType.UINT8),
  /** Boolean, one byte per element (0 or 1). */
  BOOL(1, OnnxJavaType.BOOL);

  private final int byteSize;
  private final OnnxJavaType onnxType;

  DType(int byteSize, OnnxJavaType onnxType) {
    this.byteSize = byteSize;
    this.onnxType = onnxType;
  }

  /** Bytes per element. */
  public int byteSize() {
    return byteSize;
  }

  OnnxJavaType onnxType() {
    return onnxType;
  }

  /** The DType for an ONNX Runtime type, or null when serving4j does not batch that type. */
  static DType of(OnnxJavaType type) {
    for (DType d : values()) {
      if (d.onnxType == type) {
        return d;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
