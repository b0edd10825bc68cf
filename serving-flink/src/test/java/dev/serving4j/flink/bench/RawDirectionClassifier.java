package dev.serving4j.flink.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.serving4j.examples.ocr.OcrModels;
import dev.serving4j.examples.ocr.TextDirectionClassifier;
import dev.serving4j.examples.ocr.TextDirectionClassifier.Direction;
import dev.serving4j.onnx.ImagePreprocessor;
import dev.serving4j.onnx.Tensor;
import java.util.List;
import java.util.Map;

/**
 * The direction classifier without serving4j: one ONNX Runtime session with default options, shared by every
 * caller's thread, one line per run. Each call does the example handler's own preprocessing
 * ({@link TextDirectionClassifier#preprocessor}: decode, resize to height 48, pad to 192, normalise, a stack of one)
 * and decides the direction as the handler does at its default threshold of 0.9.
 */
final class RawDirectionClassifier implements AutoCloseable {
  private static final float THRESHOLD = 0.9f;

  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final OrtSession session;
  private final String inputName;
  private final ImagePreprocessor lines = TextDirectionClassifier.preprocessor("raw ORT ocr-cls");

  /** Opens the session on the classifier in {@link OcrModels#directory()}. */
  RawDirectionClassifier() throws OrtException {
    session = env.createSession(OcrModels.file(OcrModels.CLASSIFIER).toString(), new OrtSession.SessionOptions());
    inputName = session.getInputNames().iterator().next();
  }

  /** Classifies one encoded line image in one run. Thread-safe. */
  Direction classify(byte[] image) throws OrtException {
    Tensor one = lines.stack(List.of(lines.apply(image)));
    try (OnnxTensor in = OnnxTensor.createTensor(env, one.buffer().asFloatBuffer(), one.shape());
        OrtSession.Result out = session.run(Map.of(inputName, in))) {
      float[] p = ((float[][]) out.get(0).getValue())[0];
      return new Direction(p[1] > p[0] && p[1] >= THRESHOLD, p[1]);
    }
  }

  @Override
  public void close() throws OrtException {
    session.close();
  }
}
