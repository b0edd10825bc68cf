package dev.serving4j.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serving4j.Batch;
import dev.serving4j.Handler;
import dev.serving4j.HandlerContext;
import dev.serving4j.InvalidConfigException;
import dev.serving4j.InvalidInputException;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;

/**
 * The built-in {@code image-classifier} handler: image bytes (PNG, JPEG, anything {@link ImageIO} reads) in, the
 * top-k {@link Label}s out.
 *
 * <p>Each image is decoded, resized (bilinear) to {@code width x height}, scaled to [0, 1], normalised per channel
 * with {@code (x - mean) / std}, and laid out NCHW float32 RGB; the batch runs once and each image gets the
 * {@code topK} classes of its row of the model's first output ({@code [batch, classes]}).
 *
 * <p>Properties: {@code width}/{@code height} (default: the model's fixed input size, else 224), {@code mean}
 * (default {@code 0.485,0.456,0.406}), {@code std} (default {@code 0.229,0.224,0.225}), {@code topK} (default 5),
 * {@code labels} (a text file with one label per line or a JSON array/object; default {@code labels.txt}, optional
 * unless named), {@code softmax} (default false: set true for models that output logits). Bytes that are not an
 * image fail alone with an {@link InvalidInputException}.
 */
public final class ImageClassifierHandler implements Handler<byte[], List<Label>> {
  private OnnxModel model;
  private String input;
  private String output;
  private int width;
  private int height;
  private float[] mean;
  private float[] std;
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
    model = context.loadModel(OnnxModel.class);
    model.publishLiveTensors(context);
    TensorSpec in = model.inputs().values().iterator().next();
    TensorSpec out = model.outputs().values().iterator().next();
    long[] s = in.shape();
    if (model.inputs().size() != 1 || in.dtype() != DType.FLOAT32 || s.length != 4 || !in.hasDynamicBatch()
        || (s[1] >= 0 && s[1] != 3) || out.dtype() != DType.FLOAT32 || out.rank() != 2) {
      throw new InvalidConfigException("model " + model.modelName() + " must take one float32 [batch, 3, height, "
          + "width] input and give a float32 [batch, classes] output for the image-classifier handler; it has "
          + model.inputs().values() + " -> " + model.outputs().values());
    }
    input = in.name();
    output = out.name();
    height = size(context, "height", s[2]);
    width = size(context, "width", s[3]);
    mean = floats(context, "mean", "0.485,0.456,0.406");
    std = floats(context, "std", "0.229,0.224,0.225");
    topK = context.intProperty("topK", 5);
    if (topK < 1) {
      throw new InvalidConfigException("handler property 'topK' must be >= 1, was " + topK);
    }
    softmax = Boolean.parseBoolean(context.property("softmax", "false").trim());
    labels = readLabels(context);
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

  @Override
  public Class<?> inputType() {
    return byte[].class;
  }

  @Override
  public Object preprocess(Batch<byte[]> batch) throws IOException {
    List<Integer> items = new ArrayList<>();
    List<Tensor> images = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      byte[] bytes = batch.input(i);
      BufferedImage image = bytes == null ? null : ImageIO.read(new ByteArrayInputStream(bytes));
      if (image == null) {
        batch.fail(i, new InvalidInputException("input " + i + " for model " + model.modelName()
            + " is not an image ImageIO can decode (PNG, JPEG, BMP, GIF)"));
        continue;
      }
      items.add(i);
      images.add(toTensor(image));
    }
    return new Prepared(items, items.isEmpty() ? null : TensorStack.of(images).tensor());
  }

  /** Resizes and normalises one image into a {@code [1, 3, height, width]} tensor. */
  private Tensor toTensor(BufferedImage image) {
    BufferedImage resized = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = resized.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(image, 0, 0, width, height, null);
    g.dispose();
    int[] rgb = resized.getRGB(0, 0, width, height, null, 0, width);
    int plane = width * height;
    float[] chw = new float[3 * plane];
    for (int p = 0; p < plane; p++) {
      for (int c = 0; c < 3; c++) {
        float x = ((rgb[p] >> (16 - 8 * c)) & 0xFF) / 255f;
        chw[c * plane + p] = (x - mean[c]) / std[c];
      }
    }
    return Tensor.of(chw, 1, 3, height, width);
  }

  @Override
  public Object inference(Object preprocessed, Batch<byte[]> batch) {
    Prepared p = (Prepared) preprocessed;
    return p.images == null ? p : new Prepared(p.items, model.run(Map.of(input, p.images)).get(output));
  }

  @Override
  public List<List<Label>> postprocess(Object inferred, Batch<byte[]> batch) {
    List<List<Label>> results = new ArrayList<>(Collections.nCopies(batch.size(), null));
    Prepared p = (Prepared) inferred;
    if (p.images == null) {
      return results;
    }
    float[] scores = p.images.toFloatArray();
    int classes = (int) p.images.dim(1);
    for (int k = 0; k < p.items.size(); k++) {
      float[] row = java.util.Arrays.copyOfRange(scores, k * classes, (k + 1) * classes);
      if (softmax) {
        softmax(row);
      }
      results.set(p.items.get(k), IntStream.range(0, classes).boxed()
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

  /** The decoded images (batch indices) and, first, their stacked input, then the model's scores. */
  private record Prepared(List<Integer> items, Tensor images) {}
}
