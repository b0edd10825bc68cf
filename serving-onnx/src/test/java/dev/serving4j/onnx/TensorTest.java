package dev.serving4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serving4j.InvalidInputException;
import dev.serving4j.ServingException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

class TensorTest {

  @Test
  void eachDtypeRoundTripsThroughItsFactoryAndAccessor() {
    assertArrayEquals(new float[] {1.5f, -2}, Tensor.of(new float[] {1.5f, -2}, 2).toFloatArray());
    assertArrayEquals(new long[] {1L << 40, -1}, Tensor.of(new long[] {1L << 40, -1}, 1, 2).toLongArray());
    assertArrayEquals(new int[] {7, 8, 9}, Tensor.of(new int[] {7, 8, 9}, 3, 1).toIntArray());
    assertArrayEquals(new byte[] {(byte) 255, 0}, Tensor.ofUint8(new byte[] {(byte) 255, 0}, 2).toByteArray());
    assertArrayEquals(new boolean[] {true, false}, Tensor.of(new boolean[] {true, false}, 2).toBooleanArray());
    assertArrayEquals(new float[] {0.5f, -3f, 65504f}, Tensor.ofFloat16(new float[] {0.5f, -3f, 65504f}, 3)
        .toFloatArray());
    assertEquals(DType.FLOAT16, Tensor.ofFloat16Bits(new short[] {0x3C00}, 1).dtype());
  }

  @Test
  void dataLivesInADirectNativeOrderBuffer() {
    Tensor t = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
    assertTrue(t.buffer().isDirect());
    assertTrue(t.buffer().isReadOnly());
    assertEquals(ByteOrder.nativeOrder(), t.buffer().order());
    assertEquals(16, t.buffer().remaining());
  }

  @Test
  void wrapSharesTheCallersDirectBufferWithoutCopying() {
    ByteBuffer direct = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
    direct.asFloatBuffer().put(new float[] {1, 2});
    Tensor t = Tensor.wrap(DType.FLOAT32, direct, 1, 2);
    direct.asFloatBuffer().put(0, 5); // only to show the memory is shared; callers must not write after wrapping
    assertArrayEquals(new float[] {5, 2}, t.toFloatArray());
  }

  @Test
  void wrapRefusesHeapBuffersForeignByteOrderAndWrongSizes() {
    ByteOrder foreign = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? ByteOrder.BIG_ENDIAN
        : ByteOrder.LITTLE_ENDIAN;
    assertThrows(IllegalArgumentException.class, () -> Tensor.wrap(DType.FLOAT32, ByteBuffer.allocate(8), 2));
    assertThrows(IllegalArgumentException.class, () -> Tensor.wrap(DType.FLOAT32,
        ByteBuffer.allocateDirect(8).order(foreign), 2));
    assertThrows(IllegalArgumentException.class, () -> Tensor.wrap(DType.FLOAT32,
        ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder()), 3));
  }

  @Test
  void factoriesRejectDataThatDoesNotFillTheShape() {
    assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[] {1, 2, 3}, 2, 2));
    assertThrows(InvalidInputException.class, () -> Tensor.of(new float[] {}, -1));
  }

  @Test
  void aShapeWhoseElementCountOverflowsIsRefusedInsteadOfWrappingRound() {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> Tensor.of(new float[4], 4, (1L << 62) + 1, 1));
    assertTrue(e.getMessage().contains("4611686018427387905"), e.getMessage());
  }

  @Test
  void aShapeWithAZeroDimensionHoldsNoElementsWhateverItsOtherDimensions() {
    assertEquals(0, Tensor.of(new float[0], 1L << 62, 0).elementCount());
  }

  @Test
  void accessorsRefuseTheWrongDtype() {
    assertThrows(IllegalStateException.class, () -> Tensor.of(new int[] {1}, 1).toLongArray());
  }

  @Test
  void stackingConcatenatesAlongDimensionZeroAndSplitRestoresEachPart() {
    Tensor a = Tensor.of(new float[] {1, 2}, 1, 2);
    Tensor b = Tensor.of(new float[] {3, 4, 5, 6}, 2, 2);
    TensorStack stack = TensorStack.of(List.of(a, b));
    assertArrayEquals(new long[] {3, 2}, stack.tensor().shape());
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, stack.tensor().toFloatArray());
    assertEquals(List.of(a, b), stack.split(stack.tensor()));
  }

  @Test
  void stackingRejectsADifferentTrailingShapeNamingThePart() {
    Tensor a = Tensor.of(new float[] {1, 2}, 1, 2);
    Tensor b = Tensor.of(new float[] {3, 4, 5}, 1, 3);
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> TensorStack.of(List.of(a, b)));
    assertTrue(e.getMessage().contains("tensor 1"), e.getMessage());
  }

  @Test
  void splittingRejectsAnOutputWithoutTheBatchRows() {
    TensorStack stack = TensorStack.of(List.of(Tensor.of(new float[] {1}, 1, 1), Tensor.of(new float[] {2}, 1, 1)));
    assertThrows(ServingException.class, () -> stack.split(Tensor.of(new float[] {1, 2, 3}, 3)));
  }

  @Test
  void paddingFillsToTheLongestAndMasksThePadding() {
    Tensor shortOne = Tensor.of(new long[] {5}, 1, 1);
    Tensor longOne = Tensor.of(new long[] {6, 7, 8}, 1, 3);
    PaddedBatch padded = PaddedBatch.of(List.of(shortOne, longOne), 9);
    assertArrayEquals(new long[] {2, 3}, padded.tensor().shape());
    assertArrayEquals(new long[] {5, 9, 9, 6, 7, 8}, padded.tensor().toLongArray());
    assertArrayEquals(new long[] {1, 0, 0, 1, 1, 1}, padded.mask().toLongArray());
    assertEquals(1, padded.length(0));
    assertEquals(3, padded.maxLength());
  }

  @Test
  void paddingKeepsInnerDimensionsAndSupportsOtherMaskTypes() {
    Tensor a = Tensor.of(new float[] {1, 2}, 1, 1, 2);
    Tensor b = Tensor.of(new float[] {3, 4, 5, 6, 7, 8, 9, 10}, 2, 2, 2);
    PaddedBatch padded = PaddedBatch.of(List.of(a, b), -1, DType.BOOL);
    assertArrayEquals(new long[] {3, 2, 2}, padded.tensor().shape());
    assertArrayEquals(new float[] {1, 2, -1, -1, 3, 4, 5, 6, 7, 8, 9, 10}, padded.tensor().toFloatArray());
    assertArrayEquals(new boolean[] {true, false, true, true, true, true}, padded.mask().toBooleanArray());
    assertEquals(List.of(1L, 2L), padded.split(padded.tensor()).stream().map(t -> t.dim(0)).toList());
  }

  @Test
  void paddingRejectsRankOneParts() {
    assertThrows(InvalidInputException.class, () -> PaddedBatch.of(List.of(Tensor.of(new long[] {1}, 1)), 0));
  }
}
