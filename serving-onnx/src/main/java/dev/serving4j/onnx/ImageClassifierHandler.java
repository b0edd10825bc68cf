package dev.serving4j.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serving4j.Batch;
import dev.serving4j.Handler;
import dev.serving4j.HandlerContext;
import dev.serving4j.InvalidConfigException;
import dev.serving4j.InvalidInputException;
import dev.serving4j.onnx.ImagePreprocessor.ChannelOrder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The built-in {@code image-classifier} handler: an image ({@link java.awt.image.BufferedImage}, or encoded bytes
 * that {@link javax.imageio.ImageIO} reads: PNG, JPEG, ...) in, the top-k {@link Label}s out.
 *
 * <p>Built on {@link ImagePreprocessor}: {@link #prepare}, on the caller's thread, decodes the image, resizes it
 * (bilinear) to {@code width x height}, scales it to [0, 1] and normalises it per channel with
 * {@code (x - mean) / std} in NCHW float32; {@link #preprocess} only stacks the prepared images. The batch runs once
 * and each image gets the {@code topK} classes of its row of the model's first output ({@code [batch, classes]}).
 *
 * <p>Properties: {@code width}/{@code height} (default: the model's fixed input size, else 224), {@code mean}
 * (default {@code 0.485,0.456,0.406}), {@code std} (default {@code 0.229,0.224,0.225}), both in R,G,B order,
 * {@code channelOrder} ({@code RGB}, default, or {@code BGR}), {@code keepAspect} (default false: stretch; true:
 * fit within the size keeping the aspect ratio and pad the rest with 0 in the normalised tensor), {@code topK}
 * (default 5), {@code labels} (a text file with one label per line or a JSON array/object; default
 * {@code labels.txt}, optional unless named), {@code softmax} (default false: set true for models that output
 * logits). An input that is not an image is that request's {@link InvalidInputException}, raised before it is
 * queued. Warm-up inputs are the manifest's {@code warmupFiles}, read as images.
 *
 * <p>The instance serving {@code prepare} (see {@link HandlerContext#forScheduling()}) loads the model only when
 * {@code width} or {@code height} is not set, to read its input size; workers share that session by default.
 */
public final class ImageClassifierHandler implements Handler<Object, List<Label>> {
  private OnnxModel model;
  private String input;
  private String output;
  private ImagePreprocessor images;
  private int topK;
  private boolean softmax;
  private List<String> labels;

  /** Creates an uninitialized handler. */
  public ImageClassifierHandler() {}

  /**
   * Loads the model and labels and checks the model's input and output.
   *
   * @throws InvalidConfigException when a property is invalid or the model is not {@code [batch, 3, H, W]} in and
   *     {@code [batch, classes]} out
   */
  @Override
  public void initialize(HandlerContext context) throws IOException {
    long[] s = {-1, 3, -1, -1};
    if (!context.forScheduling() || context.property("width", null) == null
        || context.property("height", null) == null) {
      s = loadModel(context);
    }
    int height = size(context, "height", s[2]);
    int width = size(context, "width", s[3]);
    float[] mean = floats(context, "mean", "0.485,0.456,0.406");
    float[] std = floats(context, "std", "0.229,0.224,0.225");
    boolean keepAspect = Boolean.parseBoolean(context.property("keepAspect", "false").trim());
    ImagePreprocessor.Builder b = ImagePreprocessor.builder()
        .resize(keepAspect ? Resize.keepAspect(width, height) : Resize.exact(width, height))
        .mean(mean[0], mean[1], mean[2]).std(std[0], std[1], std[2])
        .channelOrder(channelOrder(context))
        .describedAs("model " + context.modelName() + ":" + context.modelVersion());
    images = (keepAspect ? b.padTo(width, height) : b).build();
    topK = context.intProperty("topK", 5);
    if (topK < 1) {
      throw new InvalidConfigException("handler property 'topK' must be >= 1, was " + topK);
    }
    softmax = Boolean.parseBoolean(context.property("softmax", "false").trim());
    labels = readLabels(context);
  }

  /** Loads the model, checks its signature and returns its input shape. */
  private long[] loadModel(HandlerContext context) {
    model = context.loadModel(OnnxModel.class);
    model.publishLiveTensors(context);
    TensorSpec in = model.inputs().values().iterator().next();
    TensorSpec out = model.outputs().values().iterator().next();
    long[] s = in.shape();
    if (model.inputs().size() != 1 || in.dtype() != DType.FLOAT32 || s.length != 4 || !in.hasDynamicBatch()
        || (s[1] >= 0 && s[1] != 3) || out.dtype() != DType.FLOAT32 || out.rank() != 2) {
      throw new InvalidConfigException("model " + model.label() + " must take one float32 [batch, 3, height, "
          + "width] input and give a float32 [batch, classes] output for the image-classifier handler; it has "
          + model.inputs().values() + " -> " + model.outputs().values());
    }
    input = in.name();
    output = out.name();
    return s;
  }

  private static ChannelOrder channelOrder(HandlerContext context) {
    String order = context.property("channelOrder", "RGB").trim().toUpperCase(Locale.ROOT);
    if (!order.equals("RGB") && !order.equals("BGR")) {
      throw new InvalidConfigException("handler property 'channelOrder' must be RGB or BGR, was '" + order + "'");
    }
    return ChannelOrder.valueOf(order);
  }

  private static int size(HandlerContext context, String key, long fixed) {
    int value = context.intProperty(key, fixed > 0 ? (int) fixed : 224);
    if (value < 1 || (fixed > 0 && value != fixed)) {
      throw new InvalidConfigException("handler property '" + key + "' must be " + (fixed > 0 ? "the model's "
          + fixed : ">= 1") + ", was " + value);
    }
    return value;
  }

  private static float[] floats(HandlerContext context, String key, String dflt) {
    String[] parts = context.property(key, dflt).split(",");
    float[] v = new float[3];
    try {
      for (int c = 0; c < 3 && parts.length == 3; c++) {
        v[c] = Float.parseFloat(parts[c].trim());
      }
    } catch (NumberFormatException e) {
      parts = new String[0];
    }
    if (parts.length != 3 || (key.equals("std") && (v[0] == 0 || v[1] == 0 || v[2] == 0))) {
      throw new InvalidConfigException("handler property '" + key + "' must be three comma-separated numbers"
          + (key.equals("std") ? ", none 0" : "") + " (R,G,B), was '" + context.property(key, dflt) + "'");
    }
    return v;
  }

  private static List<String> readLabels(HandlerContext context) throws IOException {
    String name = context.property("labels", null);
    Path file = context.archiveFile("labels", "labels.txt");
    if (!Files.isRegularFile(file)) {
      if (name != null) {
        throw new InvalidConfigException("labels file " + file + " (handler property 'labels') not found");
      }
      return List.of();
    }
    if (!file.toString().endsWith(".json")) {
      return Files.readAllLines(file).stream().map(String::trim).toList();
    }
    JsonNode json = new ObjectMapper().readTree(file.toFile());
    List<String> out = new ArrayList<>();
    if (json.isArray()) {
      json.forEach(n -> out.add(n.asText()));
    } else if (json.isObject()) {
      for (int i = 0; json.has(Integer.toString(i)); i++) {
        out.add(json.get(Integer.toString(i)).asText());
      }
    }
    return out;
  }

  /** Decodes, resizes and normalises one image on the caller's thread. */
  @Override
  public ImageTensor prepare(Object image) {
    return images.apply(image);
  }

  /** The manifest's {@code warmupFiles}, decoded as images. */
  @Override
  public List<Object> warmupInputs(HandlerContext context) throws IOException {
    return ImagePreprocessor.warmupImages(context);
  }

  /** Stacks the prepared images into one {@code [batch, 3, height, width]} tensor. */
  @Override
  public Tensor preprocess(Batch<Object> batch) {
    return images.stack(batch);
  }

  @Override
  public Tensor inference(Object preprocessed, Batch<Object> batch) {
    return model.run(Map.of(input, (Tensor) preprocessed)).get(output);
  }

  @Override
  public List<List<Label>> postprocess(Object inferred, Batch<Object> batch) {
    Tensor out = (Tensor) inferred;
    float[] scores = out.toFloatArray();
    int classes = (int) out.dim(1);
    List<List<Label>> results = new ArrayList<>(batch.size());
    for (int k = 0; k < batch.size(); k++) {
      float[] row = java.util.Arrays.copyOfRange(scores, k * classes, (k + 1) * classes);
      if (softmax) {
        softmax(row);
      }
      results.add(IntStream.range(0, classes).boxed()
          .sorted(Comparator.comparingDouble((Integer c) -> row[c]).reversed())
          .limit(topK).map(c -> new Label(c < labels.size() ? labels.get(c) : "class " + c, row[c])).toList());
    }
    return results;
  }

  private static void softmax(float[] row) {
    float max = Float.NEGATIVE_INFINITY;
    for (float x : row) {
      max = Math.max(max, x);
    }
    double sum = 0;
    for (int i = 0; i < row.length; i++) {
      row[i] = (float) Math.exp(row[i] - max);
      sum += row[i];
    }
    for (int i = 0; i < row.length; i++) {
      row[i] /= (float) sum;
    }
  }

  /** Releases this worker's share of the model. */
  @Override
  public void close() {
    if (model != null) {
      model.close();
    }
  }
}
