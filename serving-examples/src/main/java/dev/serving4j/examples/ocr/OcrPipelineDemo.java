package dev.serving4j.examples.ocr;

import dev.serving4j.ModelDescription;
import dev.serving4j.ModelServer;
import dev.serving4j.Pipeline;
import dev.serving4j.PipelineItem;
import dev.serving4j.examples.Corpus;
import dev.serving4j.examples.ocr.TextRecognizer.Text;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * OCR of rendered document pages through {@link OcrPipeline}: several lines per page in three fonts, every third
 * line upside down, all pages submitted at once. Prints each page's text, the accuracy against the rendered ground
 * truth (exact lines, character accuracy = 1 - edit distance / characters) and per-node figures.
 *
 * <pre>
 * ./mvnw -q install -DskipTests
 * ./mvnw -q -pl serving-examples exec:java -Ddemo.main=dev.serving4j.examples.ocr.OcrPipelineDemo [-Dexec.args="PAGES LINES"]
 * </pre>
 */
public final class OcrPipelineDemo {
  private static final List<Font> FONTS = List.of(new Font(Font.SANS_SERIF, Font.PLAIN, 28),
      new Font(Font.SERIF, Font.PLAIN, 30), new Font(Font.MONOSPACED, Font.PLAIN, 24));

  private OcrPipelineDemo() {}

  /**
   * What a run read.
   *
   * @param truth each page's lines as rendered
   * @param read each page's lines as recognized ("" for a failed line)
   * @param lines lines rendered
   * @param exactLines lines read exactly (same count and position on the page)
   * @param charAccuracy 1 - total edit distance / total characters, over pages joined by line
   * @param nodes per-node figures, in pipeline order
   */
  public record Report(List<List<String>> truth, List<List<String>> read, int lines, int exactLines,
      double charAccuracy, List<String> nodes) {}

  /** Renders {@code pages} pages of {@code linesPerPage} lines, reads them all concurrently and reports. */
  public static Report run(int pages, int linesPerPage, Path dir) {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (ModelServer server = ModelServer.builder().meterRegistry(registry).build()) {
      OcrPipeline.register(server, dir);
      Pipeline<BufferedImage, List<PipelineItem<Text>>> ocr = OcrPipeline.build(server);
      List<List<String>> truth = lines(pages, linesPerPage);
      List<CompletableFuture<List<PipelineItem<Text>>>> calls = new ArrayList<>();
      truth.forEach(page -> calls.add(ocr.run(render(page))));
      List<List<String>> read = new ArrayList<>();
      calls.forEach(c -> read.add(c.join().stream().map(i -> i.succeeded() ? i.value().text() : "").toList()));
      return report(truth, read, figures(server, registry));
    }
  }

  private static Report report(List<List<String>> truth, List<List<String>> read, List<String> nodes) {
    int lines = 0;
    int exact = 0;
    long chars = 0;
    long distance = 0;
    for (int p = 0; p < truth.size(); p++) {
      List<String> t = truth.get(p);
      List<String> r = read.get(p);
      lines += t.size();
      for (int i = 0; i < t.size(); i++) {
        exact += i < r.size() && r.get(i).equals(t.get(i)) ? 1 : 0;
      }
      chars += String.join("\n", t).length();
      distance += editDistance(String.join("\n", t), String.join("\n", r));
    }
    return new Report(truth, read, lines, exact, 1 - distance / (double) chars, nodes);
  }

  /** One line per node: runs and mean time from the pipeline's timer, batches from the model's own counts. */
  private static List<String> figures(ModelServer server, SimpleMeterRegistry registry) {
    List<String> rows = new ArrayList<>();
    rows.add(String.format(Locale.ROOT, "%-8s %-8s %6s %10s %9s %12s", "node", "model", "runs", "mean batch",
        "p50 ms", "node mean ms"));
    String[][] nodes = {{"det", OcrArchives.DETECTOR}, {"crop", null}, {"cls", OcrArchives.CLASSIFIER},
        {"rotate", null}, {"rec", OcrArchives.RECOGNIZER}};
    for (String[] n : nodes) {
      Timer t = registry.find("serving4j.pipeline.node.latency").tag("pipeline", OcrPipeline.NAME)
          .tag("node", n[0]).tag("outcome", "success").timer();
      long runs = t == null ? 0 : t.count();
      double mean = t == null ? 0 : t.mean(TimeUnit.MILLISECONDS);
      String batch = "-";
      String p50 = "-";
      if (n[1] != null) {
        ModelDescription.Version v = server.describe(n[1]).versions().get(0);
        batch = String.format(Locale.ROOT, "%.2f", v.counts().meanBatchSize());
        p50 = String.format(Locale.ROOT, "%.1f", v.recent().p50().toNanos() / 1e6);
      }
      rows.add(String.format(Locale.ROOT, "%-8s %-8s %6d %10s %9s %12.1f", n[0], n[1] == null ? "(java)" : n[1],
          runs, batch, p50, mean));
    }
    return rows;
  }

  /** Lines of 3 to 7 words: the openings of every fifth sentence of the examples' corpus. */
  static List<List<String>> lines(int pages, int perPage) {
    Corpus corpus = Corpus.load();
    List<List<String>> all = new ArrayList<>();
    int s = 0;
    for (int p = 0; p < pages; p++) {
      List<String> page = new ArrayList<>();
      for (int i = 0; i < perPage; i++, s += 5) {
        String[] words = corpus.text(s % corpus.size()).split("\\s+");
        page.add(String.join(" ", Arrays.copyOf(words, Math.min(words.length, 3 + s % 5))));
      }
      all.add(page);
    }
    return all;
  }

  /** The lines stacked on a white page, 16 pixels apart; line i in font i % 3, every third one turned by 180°. */
  static BufferedImage render(List<String> lines) {
    List<BufferedImage> images = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      BufferedImage line = TextImages.line(lines.get(i), FONTS.get(i % FONTS.size()));
      images.add(i % 3 == 2 ? TextImages.rotate180(line) : line);
    }
    int width = images.stream().mapToInt(BufferedImage::getWidth).max().orElse(1) + 32;
    int height = images.stream().mapToInt(i -> i.getHeight() + 16).sum() + 32;
    BufferedImage page = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = page.createGraphics();
    g.setColor(java.awt.Color.WHITE);
    g.fillRect(0, 0, width, height);
    int y = 16;
    for (BufferedImage line : images) {
      g.drawImage(line, 16, y, null);
      y += line.getHeight() + 16;
    }
    g.dispose();
    return page;
  }

  /** Levenshtein distance by characters. */
  static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] t = previous;
      previous = current;
      current = t;
    }
    return previous[b.length()];
  }

  /** Runs the demo: {@code [pages] [lines per page]}, default 12 pages of 6 lines. */
  public static void main(String[] args) throws IOException {
    int pages = args.length > 0 ? Integer.parseInt(args[0]) : 12;
    int perPage = args.length > 1 ? Integer.parseInt(args[1]) : 6;
    Path dir = Files.createTempDirectory("serving4j-ocr");
    long start = System.nanoTime();
    Report r = run(pages, perPage, dir);
    double seconds = (System.nanoTime() - start) / 1e9;
    for (int p = 0; p < r.read().size(); p++) {
      System.out.println("page " + p + ":");
      r.read().get(p).forEach(line -> System.out.println("  " + line));
    }
    System.out.printf(Locale.ROOT, "%d pages, %d lines (every third upside down) in %.1f s including model load%n",
        pages, r.lines(), seconds);
    System.out.printf(Locale.ROOT, "exact lines %d/%d (%.1f%%), character accuracy %.2f%%%n", r.exactLines(),
        r.lines(), 100.0 * r.exactLines() / r.lines(), 100 * r.charAccuracy());
    r.nodes().forEach(System.out::println);
  }
}
