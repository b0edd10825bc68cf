package dev.serving4j.benchmarks;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.serving4j.examples.ocr.TextDirectionClassifier;
import dev.serving4j.onnx.ImagePreprocessor;
import dev.serving4j.onnx.ImageTensor;
import dev.serving4j.onnx.Tensor;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What batching can buy the PaddleOCR direction classifier on this CPU: one {@code session.run} of a batch of
 * {@code batch} rendered lines ({@link OcrWorkload#CLS}'s, prepared by the handler's own preprocessor) on a session
 * of {@code threads} intra-op threads, and the preprocessing of one line. Divide a run's time by {@code batch} for
 * the model's cost per item: when it barely falls with the batch size, no scheduler can make the classifier much
 * faster than raw ORT per request on a machine raw ORT already keeps busy (issue 15's 1.6x target; the bound is in
 * docs/tuning.md). Needs the PaddleOCR files ({@code .ci/fetch-ocr-models}).
 *
 * <pre>{@code
 * java -jar benchmarks-jmh/target/benchmarks.jar OcrBatchCostBenchmark -f 1 -wi 3 -w 1s -i 5 -r 1s
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class OcrBatchCostBenchmark {
  /** Lines per run. */
  @Param({"1", "2", "4", "8", "16"})
  int batch;

  /** Intra-op threads of the session: 1 (the elastic layout under load) or 2 (its wide session). */
  @Param({"1", "2"})
  int threads;

  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private OrtSession session;
  private OnnxTensor input;
  private String inputName;
  private ImagePreprocessor lines;
  private BufferedImage line;

  /** Opens the session and stacks the batch once. */
  @Setup(Level.Trial)
  public void setUp() throws OrtException {
    List<BufferedImage> images = OcrWorkload.CLS.images();
    lines = TextDirectionClassifier.preprocessor("benchmark");
    line = images.get(0);
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(threads);
      session = env.createSession(OcrWorkload.CLS.modelFile().toString(), options);
    }
    inputName = session.getInputNames().iterator().next();
    List<ImageTensor> prepared = new ArrayList<>();
    for (int i = 0; i < batch; i++) {
      prepared.add(lines.apply(images.get(i % images.size())));
    }
    Tensor stacked = lines.stack(prepared);
    input = OnnxTensor.createTensor(env, stacked.buffer().asFloatBuffer(), stacked.shape());
  }

  /** Closes what setUp opened. */
  @TearDown(Level.Trial)
  public void tearDown() throws OrtException {
    input.close();
    session.close();
  }

  /** One run of the batch. */
  @Benchmark
  public float run() throws OrtException {
    try (OrtSession.Result out = session.run(Map.of(inputName, input))) {
      return ((float[][]) out.get(0).getValue())[0][0];
    }
  }

  /** The handler's preparation of one line (resize to 48 x 192, normalise), done once per request. */
  @Benchmark
  public ImageTensor prepareOneLine() {
    return lines.apply(line);
  }
}
