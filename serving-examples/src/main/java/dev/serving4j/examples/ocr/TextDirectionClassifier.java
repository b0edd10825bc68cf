package dev.serving4j.examples.ocr;

import dev.serving4j.Batch;
import dev.serving4j.Handler;
import dev.serving4j.HandlerContext;
import dev.serving4j.InvalidConfigException;
import dev.serving4j.onnx.ImagePreprocessor;
import dev.serving4j.onnx.ImagePreprocessor.ChannelOrder;
import dev.serving4j.onnx.ImageTensor;
import dev.serving4j.onnx.OnnxModel;
import dev.serving4j.onnx.Resize;
import dev.serving4j.onnx.Tensor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A custom image handler: is a cropped line of text upright or upside down? PaddleOCR's direction classifier,
 * {@code [n, 3, 48, 192]} to {@code [n, 2]} (index 0 upright, 1 rotated by 180°).
 *
 * <p>{@link #prepare} (caller's thread) resizes the line to height 48 keeping its aspect ratio, width at most 192,
 * and pads it to 192 with 0 (BGR, {@code (v/255 - 0.5) / 0.5}); every item then has the same shape, so this handler
 * needs no {@code cost}: batches of equal items cost the same per item. {@link #preprocess} stacks; the answer is
 * {@link Direction#rotated()} when class 1 wins with at least the {@code threshold} property (default 0.9, as
 * PaddleOCR: an unsure classifier leaves the line as it is). On rendered lines that default misses some upside-down
 * lines that a plain majority (0.5) catches without flipping any upright one; see the accuracy test's figures.
 */
public final class TextDirectionClassifier implements Handler<Object, TextDirectionClassifier.Direction> {
  private static final int WIDTH = 192;

  private OnnxModel model;
  private ImagePreprocessor lines;
  private double threshold;

  /**
   * The direction of one line.
   *
   * @param rotated true when the line is upside down (turn it by 180° before recognizing it): its probability
   *     reached the handler's {@code threshold}
   * @param probabilityRotated the model's probability that the line is upside down, 0..1
   */
  public record Direction(boolean rotated, float probabilityRotated) {}

  /** Creates an uninitialized handler; serving4j calls this once per worker. */
  public TextDirectionClassifier() {}

  @Override
  public void initialize(HandlerContext context) throws IOException {
    String label = "model " + context.modelName() + ":" + context.modelVersion();
    threshold = Double.parseDouble(context.property("threshold", "0.9").trim());
    if (!(threshold >= 0.5 && threshold <= 1)) {
      throw new InvalidConfigException("handler property 'threshold' of " + label + " must be in [0.5, 1], was "
          + threshold);
    }
    lines = preprocessor(label);
    if (!context.forScheduling()) {
      model = context.loadModel(OnnxModel.class);
    }
  }

  /**
   * The preprocessing this handler applies to each line, for code that must do exactly the same work outside
   * serving4j (the bench tool's raw ONNX Runtime side).
   *
   * @param label the subject named in error messages, e.g. {@code "model ocr-cls:1"}
   */
  public static ImagePreprocessor preprocessor(String label) {
    return ImagePreprocessor.builder().resize(Resize.toHeight(TextRecognizer.HEIGHT, WIDTH))
        .padTo(WIDTH, TextRecognizer.HEIGHT).channelOrder(ChannelOrder.BGR).mean(0.5f, 0.5f, 0.5f)
        .std(0.5f, 0.5f, 0.5f).describedAs(label).build();
  }

  /** Resizes, pads and normalises one line on the caller's thread. */
  @Override
  public ImageTensor prepare(Object line) {
    return lines.apply(line);
  }

  @Override
  public List<Object> warmupInputs(HandlerContext context) throws IOException {
    return ImagePreprocessor.warmupImages(context);
  }

  @Override
  public Tensor preprocess(Batch<Object> batch) {
    return lines.stack(batch);
  }

  @Override
  public Tensor inference(Object preprocessed, Batch<Object> batch) {
    return model.runOne((Tensor) preprocessed);
  }

  @Override
  public List<Direction> postprocess(Object inferred, Batch<Object> batch) {
    float[] p = ((Tensor) inferred).toFloatArray();
    List<Direction> directions = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      float rotated = p[2 * i + 1];
      directions.add(new Direction(rotated > p[2 * i] && rotated >= threshold, rotated));
    }
    return directions;
  }

  @Override
  public void close() {
    if (model != null) {
      model.close();
    }
  }
}
