package dev.serving4j.examples.ocr;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A custom image handler: text recognition with PaddleOCR v4's recognizer. One cropped line of text in (a
 * {@link java.awt.image.BufferedImage} or encoded image bytes), its {@link Text} out.
 *
 * <ul>
 *   <li>{@link #prepare} (caller's thread): resize to height 48 keeping the aspect ratio (width capped at
 *       {@code maxWidth}, default 1600), BGR, {@code (v/255 - 0.5) / 0.5}, written into a direct buffer;
 *   <li>{@link #cost}: the padded width in model time steps ({@code width / 8}), so with {@code maxBatchCost} a
 *       batch's padded cost, widest line times batch size, bounds the pixels a run computes, padding included;
 *   <li>{@link #preprocess}: stacks the lines into {@code [n, 3, 48, widest]}, narrower lines padded with 0 (mid
 *       grey after normalisation, as PaddleOCR pads; white read fewer lines exactly in the accuracy test);
 *   <li>{@link #inference}: one run, its probabilities read out of ONNX Runtime's output with a single copy
 *       ({@link OnnxModel#runNative}): they are {@code widest / 8 x 6625} floats a line, megabytes for a long one,
 *       and the copies of {@link OnnxModel#runOne} (native to heap, heap to a direct {@link Tensor}, then to an
 *       array for decoding) cost a millisecond or two a run, several percent of a lone request;
 *   <li>{@link #postprocess}: greedy CTC decoding of each line's own time steps (not its padding) over the key list
 *       {@code ["<blank>"] + keys file lines + [" "]}.
 * </ul>
 *
 * <p>Properties: {@code keys} (default {@code ppocr_keys_v1.txt}, a file of the archive), {@code maxWidth}.
 */
public final class TextRecognizer implements Handler<Object, TextRecognizer.Text> {
  /** Input height the model was trained on. */
  static final int HEIGHT = 48;

  private OnnxModel model;
  private ImagePreprocessor lines;
  private CtcDecoder decoder;

  /**
   * One recognized line.
   *
   * @param text the characters read
   * @param confidence mean probability of the characters kept, 0..1
   */
  public record Text(String text, float confidence) {}

  /** Creates an uninitialized handler; serving4j calls this once per worker. */
  public TextRecognizer() {}

  @Override
  public void initialize(HandlerContext context) throws IOException {
    String label = "model " + context.modelName() + ":" + context.modelVersion();
    int maxWidth = context.intProperty("maxWidth", 1600);
    if (maxWidth < HEIGHT) {
      throw new InvalidConfigException("handler property 'maxWidth' of " + label + " must be >= " + HEIGHT
          + ", was " + maxWidth);
    }
    lines = preprocessor(label, maxWidth);
    if (context.forScheduling()) {
      return; // prepare and cost need no model
    }
    List<String> classes = new ArrayList<>();
    classes.add("<blank>");
    Files.readAllLines(context.modelDirectory().resolve(context.property("keys", OcrModels.KEYS)),
        StandardCharsets.UTF_8).forEach(classes::add);
    classes.add(" ");
    decoder = new CtcDecoder(classes);
    model = context.loadModel(OnnxModel.class);
    long[] out = model.outputs().values().iterator().next().shape();
    if (out.length != 3 || (out[2] > 0 && out[2] != classes.size())) {
      throw new InvalidConfigException(label + " outputs " + model.outputs().values() + "; the key list gives "
          + classes.size() + " classes, expected [n, steps, " + classes.size() + "]");
    }
  }

  /**
   * The preprocessing this handler applies to each line, for code that must do exactly the same work outside
   * serving4j (the bench tool's raw ONNX Runtime side).
   *
   * @param label the subject named in error messages, e.g. {@code "model ocr-rec:1"}
   * @param maxWidth the widest a line is resized to (the {@code maxWidth} property, default 1600)
   */
  public static ImagePreprocessor preprocessor(String label, int maxWidth) {
    return ImagePreprocessor.builder().resize(Resize.toHeight(HEIGHT, maxWidth)).channelOrder(ChannelOrder.BGR)
        .mean(0.5f, 0.5f, 0.5f).std(0.5f, 0.5f, 0.5f).padValue(0).describedAs(label).build();
  }

  /** Resizes and normalises one line on the caller's thread. */
  @Override
  public ImageTensor prepare(Object line) {
    return lines.apply(line);
  }

  /** The line's width in model time steps: what a batch pays per item once padded to its widest. */
  @Override
  public long cost(Object input, Object prepared) {
    return Math.max(1, ((ImageTensor) prepared).width() / 8);
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
  public Object inference(Object preprocessed, Batch<Object> batch) {
    String input = model.inputs().keySet().iterator().next();
    try (OnnxTensor in = model.createTensor((Tensor) preprocessed);
        OrtSession.Result out = model.runNative(Map.of(input, in))) {
      OnnxTensor probs = (OnnxTensor) out.get(0);
      long[] shape = probs.getInfo().getShape();
      return new Probabilities(probs.getFloatBuffer().array(), (int) shape[1]); // a heap copy, whole
    }
  }

  /** The model's output, {@code [items, steps, classes]} row-major, copied once out of ONNX Runtime. */
  private record Probabilities(float[] values, int steps) {}

  @Override
  public List<Text> postprocess(Object inferred, Batch<Object> batch) {
    float[] values = ((Probabilities) inferred).values();
    int steps = ((Probabilities) inferred).steps();
    double stepsPerPixel = (double) steps / widest(batch); // the model's stride, 8 for PaddleOCR v4
    List<Text> texts = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      int own = (int) Math.min(steps, Math.ceil(((ImageTensor) batch.prepared(i)).contentWidth() * stepsPerPixel));
      texts.add(decoder.decode(values, i, steps, own));
    }
    return texts;
  }

  private static int widest(Batch<Object> batch) {
    int w = 1;
    for (int i = 0; i < batch.size(); i++) {
      w = Math.max(w, ((ImageTensor) batch.prepared(i)).width());
    }
    return w;
  }

  @Override
  public void close() {
    if (model != null) {
      model.close();
    }
  }
}
