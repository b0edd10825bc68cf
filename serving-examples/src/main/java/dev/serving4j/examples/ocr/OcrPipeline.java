package dev.serving4j.examples.ocr;

import dev.serving4j.ItemFailure;
import dev.serving4j.ModelServer;
import dev.serving4j.Pipeline;
import dev.serving4j.PipelineBuilder;
import dev.serving4j.PipelineItem;
import dev.serving4j.PipelineItems;
import dev.serving4j.PipelineValue;
import dev.serving4j.examples.ocr.TextDetector.TextBox;
import dev.serving4j.examples.ocr.TextDirectionClassifier.Direction;
import dev.serving4j.examples.ocr.TextRecognizer.Text;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The OCR pipeline: a page through {@code det} (text boxes) → {@code crop} (one item per box) → {@code cls} (0° or
 * 180°) → {@code rotate} (turn the upside-down ones) → {@code rec} (CTC text) → {@code collect} (lines in page
 * order). The three models are ordinary registered versions, so the crops of every page in flight share the
 * classifier's and the recognizer's queues and batch together. A line that fails keeps its error in the result
 * ({@link ItemFailure#KEEP}); the rest of the page still reads.
 */
public final class OcrPipeline {
  /** The pipeline's name, in its meters ({@code serving4j.pipeline.node.latency}). */
  public static final String NAME = "ocr";

  private OcrPipeline() {}

  /**
   * Registers the three PaddleOCR models on {@code server} (archives written under {@code dir}), each with its
   * own batch limit: pages are large, line crops small.
   */
  public static void register(ModelServer server, Path dir) {
    server.register(OcrArchives.detector(dir.resolve("det")), c -> c.maxBatchSize(4));
    server.register(OcrArchives.classifier(dir.resolve("cls")), c -> c.maxBatchSize(32));
    server.register(OcrArchives.recognizer(dir.resolve("rec")), c -> c.maxBatchSize(16));
  }

  /** The pipeline over {@code server}'s registered OCR models. */
  public static Pipeline<BufferedImage, List<PipelineItem<Text>>> build(ModelServer server) {
    PipelineBuilder<BufferedImage> b = Pipeline.builder(server, NAME, BufferedImage.class);
    PipelineValue<List<TextBox>> boxes = b.model("det", OcrArchives.DETECTOR, b.input(), List.class);
    PipelineItems<BufferedImage> crops = b.fanOut("crop", b.input(), boxes, OcrPipeline::crop);
    PipelineItems<Direction> directions = b.model("cls", OcrArchives.CLASSIFIER, crops, Direction.class);
    PipelineItems<BufferedImage> upright = b.map("rotate", crops, directions,
        (crop, d) -> d.rotated() ? TextImages.rotate180(crop) : crop);
    PipelineItems<Text> texts = b.model("rec", OcrArchives.RECOGNIZER, upright, Text.class);
    return b.build(b.collect("collect", texts, ItemFailure.KEEP));
  }

  /** One crop per box, clipped to the page; the boxes come top to bottom, and so do the crops. */
  static List<BufferedImage> crop(BufferedImage page, List<TextBox> boxes) {
    List<BufferedImage> crops = new ArrayList<>(boxes.size());
    for (TextBox box : boxes) {
      int x = Math.max(0, box.x());
      int y = Math.max(0, box.y());
      int w = Math.min(page.getWidth() - x, box.width());
      int h = Math.min(page.getHeight() - y, box.height());
      if (w > 0 && h > 0) {
        crops.add(copy(page.getSubimage(x, y, w, h)));
      }
    }
    return crops;
  }

  /** A crop with its own raster: a sub-image shares the page's, with an offset not every reader honours. */
  private static BufferedImage copy(BufferedImage view) {
    BufferedImage out = new BufferedImage(view.getWidth(), view.getHeight(), BufferedImage.TYPE_INT_RGB);
    java.awt.Graphics2D g = out.createGraphics();
    g.drawImage(view, 0, 0, null);
    g.dispose();
    return out;
  }
}
