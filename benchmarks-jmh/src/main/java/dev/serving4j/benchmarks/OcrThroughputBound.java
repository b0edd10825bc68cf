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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The most any schedule could get from the PaddleOCR direction classifier on this machine, measured in the same run
 * as raw ONNX Runtime and serving4j with no config, so their ratio is not a comparison across host states.
 *
 * <p>The <em>ideal</em> rows have no queue, no dispatch and no waiting: one thread per core, each with its own
 * one-thread session, loops over its share of the lines, preparing {@code b} of them with the handler's own
 * preprocessor, stacking them and running them as one batch, then reading the output. That is the work any serving
 * layout must do per request on the CPU, at the batch size that makes the model cheapest per item, and nothing else.
 * Its throughput over raw ORT's (one shared session, default options, 64 closed-loop callers, each preparing its
 * own line: {@link RawOrtImages}) bounds what serving4j can reach over raw ORT: issue 15's 1.6x target is out of
 * reach of every scheduler when the ideal itself is below it.
 *
 * <p>Rounds interleave the rows, as the compare command does. Needs the PaddleOCR files ({@code .ci/fetch-ocr-models}).
 * <pre>{@code
 * java -cp benchmarks-jmh/target/benchmarks.jar dev.serving4j.benchmarks.OcrThroughputBound [rounds] [requests]
 * }</pre>
 */
public final class OcrThroughputBound {
  private static final int CALLERS = 64;
  private static final int[] IDEAL_BATCHES = {8, 16, 32};

  private OcrThroughputBound() {}

  /** Prints one Markdown row per measurement and, per round, the ideal and serving4j over raw ORT. */
  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int requests = args.length > 1 ? Integer.parseInt(args[1]) : 3000;
    List<BufferedImage> images = OcrWorkload.CLS.images();
    List<Object> inputs = new ArrayList<>(images);
    Path dir = Files.createTempDirectory("serving4j-bound");
    System.out.println("| round | row | req/s | CPU ms/req | vs raw ORT |");
    System.out.println("|---|---|---:|---:|---:|");
    try (RawOrtImages raw = new RawOrtImages(OcrWorkload.CLS);
        Serving4jEmbedder zero = new Serving4jEmbedder(OcrWorkload.CLS.archive(dir), cfg -> { })) {
      LoadRunner.closedLoop(inputs, CALLERS, requests / 3, raw::call, () -> { }); // warm-ups
      LoadRunner.closedLoop(inputs, CALLERS, requests / 3, zero::call, () -> { });
      for (int round = 1; round <= rounds; round++) {
        double rawRate = print(round, "raw ORT, 64 callers", closed(inputs, raw, requests), 0);
        print(round, "serving4j zero-config, 64 callers", closed(inputs, zero, requests), rawRate);
        for (int b : IDEAL_BATCHES) {
          print(round, "ideal: " + Runtime.getRuntime().availableProcessors() + " threads x batch " + b, ideal(images,
              b, requests), rawRate);
        }
      }
    }
  }

  /** Requests per second and CPU nanoseconds of this process over a window of {@code requests}. */
  private record Rate(double perSecond, double cpuMsPerRequest) {}

  private static Rate closed(List<Object> inputs, Implementation implementation, int requests)
      throws InterruptedException {
    long cpu = ProcessStats.cpuNanos();
    LoadRunner.Outcome outcome = LoadRunner.closedLoop(inputs, CALLERS, requests, implementation::call, () -> { });
    long n = outcome.latencyMicros().getTotalCount();
    return new Rate(outcome.throughput(), (ProcessStats.cpuNanos() - cpu) / 1e6 / n);
  }

  private static double print(int round, String row, Rate rate, double rawRate) {
    System.out.printf(Locale.ROOT, "| %d | %s | %.1f | %.2f | %s |%n", round, row, rate.perSecond,
        rate.cpuMsPerRequest, rawRate == 0 ? "1.00x" : String.format(Locale.ROOT, "%.2fx", rate.perSecond / rawRate));
    return rate.perSecond;
  }

  /** Every core in a loop of prepare b lines, stack, run, read: the work of a request and nothing else. */
  private static Rate ideal(List<BufferedImage> images, int b, int requests) throws Exception {
    int threads = Runtime.getRuntime().availableProcessors();
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    List<OrtSession> sessions = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
          options.setIntraOpNumThreads(1);
          sessions.add(env.createSession(OcrWorkload.CLS.modelFile().toString(), options));
        }
      }
      for (OrtSession s : sessions) {
        runBatches(env, s, images, b, 2 * b, new AtomicInteger()); // warm-up
      }
      AtomicInteger next = new AtomicInteger();
      List<Thread> workers = new ArrayList<>();
      List<Exception> failures = new ArrayList<>();
      long cpu = ProcessStats.cpuNanos();
      long start = System.nanoTime();
      for (OrtSession s : sessions) {
        Thread w = new Thread(() -> {
          try {
            runBatches(env, s, images, b, requests, next);
          } catch (Exception e) {
            synchronized (failures) {
              failures.add(e);
            }
          }
        });
        workers.add(w);
        w.start();
      }
      for (Thread w : workers) {
        w.join();
      }
      long wall = System.nanoTime() - start;
      if (!failures.isEmpty()) {
        throw failures.get(0);
      }
      return new Rate(requests / (wall / 1e9), (ProcessStats.cpuNanos() - cpu) / 1e6 / requests);
    } finally {
      for (OrtSession s : sessions) {
        s.close();
      }
    }
  }

  private static void runBatches(OrtEnvironment env, OrtSession session, List<BufferedImage> images, int b,
      int requests, AtomicInteger next) throws OrtException {
    ImagePreprocessor lines = TextDirectionClassifier.preprocessor("bound");
    String input = session.getInputNames().iterator().next();
    for (int first; (first = next.getAndAdd(b)) < requests; ) {
      List<ImageTensor> prepared = new ArrayList<>(b);
      for (int i = first; i < Math.min(requests, first + b); i++) {
        prepared.add(lines.apply(images.get(i % images.size())));
      }
      Tensor stacked = lines.stack(prepared);
      try (OnnxTensor in = OnnxTensor.createTensor(env, stacked.buffer().asFloatBuffer(), stacked.shape());
          OrtSession.Result out = session.run(Map.of(input, in))) {
        float[][] p = (float[][]) out.get(0).getValue();
        if (p.length != prepared.size()) {
          throw new IllegalStateException("expected " + prepared.size() + " answers, got " + p.length);
        }
      }
    }
  }
}
