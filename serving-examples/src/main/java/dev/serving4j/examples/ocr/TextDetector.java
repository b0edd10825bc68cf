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
 * A custom image handler: where is the text in a page? PaddleOCR v4's DB detector, {@code [n, 3, h, w]} (sides
 * multiples of 32) to a probability map {@code [n, 1, h, w]}; each image gets its {@link TextBox}es, in source
 * image pixels, top to bottom.
 *
 * <ul>
 *   <li>{@link #prepare} (caller's thread): scale down when the longer side exceeds {@code maxSide} (default 960),
 *       round each side to a multiple of 32, BGR, {@code (v/255 - 0.5) / 0.5};
 *   <li>{@link #cost}: the padded area in 32x32 blocks, so with {@code maxBatchCost} pages of very different sizes
 *       are not padded into one run;
 *   <li>{@link #preprocess}: stacks the pages, each padded to the batch's widest and tallest with 0;
 *   <li>{@link #postprocess}: {@link DbBoxes} on each page's own part of the map, properties {@code threshold}
 *       (default 0.3), {@code boxThreshold} (0.6) and {@code unclipRatio} (1.5), PaddleOCR's defaults.
 * </ul>
 */
public final class TextDetector implements Handler<Object, List<TextDetector.TextBox>> {
  /** Default of the handler property {@code maxSide}: a longer page side is scaled down to this. */
  public static final int MAX_SIDE = 960;

  private OnnxModel model;
  private ImagePreprocessor pages;
  private DbBoxes db;

  /**
   * One detected text region, axis-aligned, in source image pixels.
   *
   * @param x left edge
   * @param y top edge
   * @param width width, >= 1
   * @param height height, >= 1
   * @param score mean text probability inside the region, 0..1
   */
  public record TextBox(int x, int y, int width, int height, float score) {}

  /** Creates an uninitialized handler; serving4j calls this once per worker. */
  public TextDetector() {}

  @Override
  public void initialize(HandlerContext context) throws IOException {
    String label = "model " + context.modelName() + ":" + context.modelVersion();
    int maxSide = context.intProperty("maxSide", MAX_SIDE);
    if (maxSide < 32) {
      throw new InvalidConfigException("handler property 'maxSide' of " + label + " must be >= 32, was " + maxSide);
    }
    pages = preprocessor(label, maxSide);
    db = new DbBoxes(fraction(context, label, "threshold", "0.3"), fraction(context, label, "boxThreshold", "0.6"),
        Double.parseDouble(context.property("unclipRatio", "1.5")));
    if (!context.forScheduling()) {
      model = context.loadModel(OnnxModel.class);
    }
  }

  /**
   * The preprocessing this handler applies to each page, for code that must check or repeat exactly the same work
   * outside serving4j (the bench tool's detector workload).
   *
   * @param label the subject named in error messages, e.g. {@code "model ocr-det:1"}
   * @param maxSide the longest side a page keeps; longer pages are scaled down (the handler's {@code maxSide})
   */
  public static ImagePreprocessor preprocessor(String label, int maxSide) {
    return ImagePreprocessor.builder().resize(Resize.atMost(maxSide).multipleOf(32)).channelOrder(ChannelOrder.BGR)
        .mean(0.5f, 0.5f, 0.5f).std(0.5f, 0.5f, 0.5f).describedAs(label).build();
  }

  private static float fraction(HandlerContext context, String label, String key, String dflt) {
    float v = Float.parseFloat(context.property(key, dflt).trim());
    if (!(v > 0 && v < 1)) {
      throw new InvalidConfigException("handler property '" + key + "' of " + label + " must be in (0, 1), was " + v);
    }
    return v;
  }

  /** Resizes and normalises one page on the caller's thread. */
  @Override
  public ImageTensor prepare(Object page) {
    return pages.apply(page);
  }

  /** The page's area in 32x32 blocks. */
  @Override
  public long cost(Object input, Object prepared) {
    ImageTensor t = (ImageTensor) prepared;
    return (long) (t.width() / 32) * (t.height() / 32);
  }

  @Override
  public List<Object> warmupInputs(HandlerContext context) throws IOException {
    return ImagePreprocessor.warmupImages(context);
  }

  @Override
  public Tensor preprocess(Batch<Object> batch) {
    return pages.stack(batch);
  }

  @Override
  public Tensor inference(Object preprocessed, Batch<Object> batch) {
    return model.runOne((Tensor) preprocessed);
  }

  @Override
  public List<List<TextBox>> postprocess(Object inferred, Batch<Object> batch) {
    Tensor map = (Tensor) inferred;
    float[] p = map.toFloatArray();
    int h = (int) map.dim(2);
    int w = (int) map.dim(3);
    List<List<TextBox>> boxes = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      ImageTensor t = (ImageTensor) batch.prepared(i);
      boxes.add(db.boxes(p, i * w * h, w, t.contentWidth(), t.contentHeight(),
          (double) t.sourceWidth() / t.contentWidth(), (double) t.sourceHeight() / t.contentHeight(),
          t.sourceWidth(), t.sourceHeight()));
    }
    return boxes;
  }

  @Override
  public void close() {
    if (model != null) {
      model.close();
    }
  }
}
