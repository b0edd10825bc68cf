package dev.serving4j.benchmarks;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.serving4j.examples.ocr.OcrModels;
import dev.serving4j.examples.ocr.TextDirectionClassifier;
import dev.serving4j.examples.ocr.TextRecognizer;
import dev.serving4j.onnx.ImagePreprocessor;
import dev.serving4j.onnx.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What an application does without serving4j for an OCR model: one {@link OrtSession} shared by every thread,
 * default {@code SessionOptions}, and each caller preprocessing its own line with the example handler's own
 * {@link ImagePreprocessor} (resize, normalise, stack of one), then one {@code session.run} per request. The answer
 * is decoded as the handler does: the direction from the two class probabilities, or greedy CTC over the key list.
 */
final class RawOrtImages implements Implementation {
  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final OcrWorkload workload;
  private final OrtSession session;
  private final String inputName;
  private final ImagePreprocessor lines;
  private final List<String> keys;

  RawOrtImages(OcrWorkload workload) throws OrtException, IOException {
    this.workload = workload;
    session = env.createSession(workload.modelFile().toString(), new OrtSession.SessionOptions());
    inputName = session.getInputNames().iterator().next();
    String label = "raw ORT " + workload.workload();
    lines = workload == OcrWorkload.CLS ? TextDirectionClassifier.preprocessor(label)
        : TextRecognizer.preprocessor(label, 1600);
    keys = workload == OcrWorkload.CLS ? List.of() : keys();
  }

  @Override
  public Object call(Object image) throws OrtException {
    Tensor batch = lines.stack(List.of(lines.apply(image)));
    try (OnnxTensor in = OnnxTensor.createTensor(env, batch.buffer().asFloatBuffer(), batch.shape());
        OrtSession.Result out = session.run(Map.of(inputName, in))) {
      float[][][] values = workload == OcrWorkload.CLS
          ? new float[][][] {(float[][]) out.get(0).getValue()} : (float[][][]) out.get(0).getValue();
      return workload == OcrWorkload.CLS ? direction(values[0][0]) : decode(values[0]);
    }
  }

  private static TextDirectionClassifier.Direction direction(float[] p) {
    return new TextDirectionClassifier.Direction(p[1] > p[0] && p[1] >= 0.9, p[1]);
  }

  /**
   * Greedy CTC as the handler decodes: each step's best class, repeats and blanks (class 0) dropped, the kept
   * steps' mean probability as confidence, spaces at either end stripped.
   */
  private TextRecognizer.Text decode(float[][] steps) {
    StringBuilder text = new StringBuilder();
    double sum = 0;
    int kept = 0;
    int previous = 0;
    for (float[] step : steps) {
      int best = 0;
      for (int c = 1; c < step.length; c++) {
        if (step[c] > step[best]) {
          best = c;
        }
      }
      if (best != 0 && best != previous && best < keys.size()) {
        text.append(keys.get(best));
        sum += step[best];
        kept++;
      }
      previous = best;
    }
    return new TextRecognizer.Text(text.toString().strip(), kept == 0 ? 1f : (float) (sum / kept));
  }

  private static List<String> keys() throws IOException {
    List<String> keys = new ArrayList<>();
    keys.add("<blank>");
    keys.addAll(Files.readAllLines(OcrModels.file(OcrModels.KEYS), StandardCharsets.UTF_8));
    keys.add(" ");
    return keys;
  }

  @Override
  public void close() throws OrtException {
    session.close();
  }
}
