package dev.serving4j.benchmarks;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.serving4j.ModelArchive;
import dev.serving4j.ModelDescription.BatchCost;
import dev.serving4j.PredictOptions;
import dev.serving4j.examples.DirectOrtEmbedder;
import dev.serving4j.examples.SemanticSearch;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * Runs one combination of a plan: serves the model with the combination's settings (a server is reused while only
 * the load changes), sends the warmup, then the measured requests, and turns what the clients and serving4j saw into
 * a {@link Measurement} (goodput included: the answers within the SLA per second). Any archive works: the plan's input is read by {@link InputSet} once the first server is up,
 * to match the type its handler declares.
 */
final class SweepRunner implements ModelGuidedSearch.Bench, AutoCloseable {
  private static final int ACCURACY_TEXTS = 200;

  private final BenchPlan plan;
  private final double slaP99Millis;
  private final PredictOptions options;
  private final Path workDir;
  private List<Object> inputs;
  private final PrintStream log;
  private final ExecutorService blockingPool = LoadRunner.blockingPool();
  private Combination serving;
  private Serving4jEmbedder embedder;
  private double quantizedCosine = Double.NaN;

  /**
   * A runner for {@code plan}; goodput counts answers within {@code slaP99Millis} (0: no SLA, goodput is the
   * throughput), and with a {@code deadline} every request carries it as its timeout (null: none).
   */
  SweepRunner(BenchPlan plan, Path workDir, PrintStream log, double slaP99Millis, Duration deadline) {
    this.plan = plan;
    this.slaP99Millis = slaP99Millis;
    this.options = deadline == null ? PredictOptions.DEFAULTS : PredictOptions.ofTimeout(deadline);
    this.workDir = workDir;
    this.log = log;
  }

  @Override
  public Measurement apply(Combination c) {
    try {
      Serving4jEmbedder server = serve(c);
      String label = c.label(plan.openLoop());
      if (plan.warmup() > 0) {
        run(server, c, plan.warmup(), new Progress(log, label + " warmup", plan.warmup()));
      }
      server.stats().reset();
      ProcessStats process = new ProcessStats();
      LoadRunner.Outcome outcome = run(server, c, plan.requests(), new Progress(log, label, plan.requests()));
      ServingStats.Snapshot s = server.stats().snapshot();
      return new Measurement(c, outcome.throughput(), outcome.latencyMillis(50), outcome.latencyMillis(90),
          outcome.latencyMillis(99), outcome.latencyMicros().getMean() / 1e3, outcome.errorRate(), s.queueP50(),
          s.queueP90(), s.queueP99(), s.inferenceMean(), s.preprocessMean(), s.postprocessMean(), s.meanBatchSize(),
          process.cpuPercent(), ProcessStats.heapMb(), ProcessStats.rssMb(), cosineToFp32(c.optimization()),
          slaP99Millis > 0 ? outcome.goodput(slaP99Millis) : outcome.throughput());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while measuring " + c, e);
    }
  }

  /**
   * Warms this JVM up untimed: serves {@code c}, sends the plan's warmup requests, and closes the server again, so
   * that runs timed afterwards (a search and the sweep it is compared with) start alike, neither paying for the
   * JIT, the first model load or reading the inputs.
   */
  void warmUp(Combination c) {
    try {
      run(serve(c), c, Math.max(1, plan.warmup()), new Progress(log, "JVM warm-up (untimed)", Math.max(1,
          plan.warmup())));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while warming up", e);
    }
    closeServer();
  }

  private LoadRunner.Outcome run(Serving4jEmbedder server, Combination c, int requests, Progress progress)
      throws InterruptedException {
    if (plan.openLoop()) {
      return LoadRunner.openLoop(inputs, c.load(), requests, in -> server.callAsync(in, options), progress::step, 42);
    }
    return LoadRunner.closedLoop(inputs, (int) c.load(), requests, in -> server.callAsync(in, options).join(),
        progress::step);
  }

  private Serving4jEmbedder serve(Combination c) {
    if (c.sameServing(serving)) {
      return embedder;
    }
    closeServer();
    Path archive = archive(c.optimization());
    embedder = new Serving4jEmbedder(archive, cfg -> {
      if (c.zeroConfig()) {
        return; // serving4j's defaults, nothing set
      }
      cfg.workers(c.workers()).maxBatchSize(c.batchSize()).maxBatchDelay(plan.batchDelayDuration())
          .batchingMode(plan.batchingModeValue()).maxBatchCost(plan.maxBatchCost()).maxQueueSize(1_000_000)
          .devices(plan.devices().toArray(String[]::new));
      if (c.intraOpThreads() > 0) {
        cfg.engineOption("intraOpThreads", Integer.toString(c.intraOpThreads()));
      }
    });
    serving = c;
    if (inputs == null) {
      inputs = InputSet.read(plan.input(), embedder::accepts); // read once, to match the handler's input type
    }
    return embedder;
  }

  @Override
  public List<BatchCost> costModel() {
    if (embedder == null) {
      throw new IllegalStateException("no server has run yet: measure a point before reading its cost model");
    }
    return embedder.costModel();
  }

  /**
   * The built-in MiniLM's request costs are its handler's, the token counts (special tokens included, at most 256),
   * counted with the same tokenizer; another archive's are taken as 1 each (exact for a handler without a cost).
   */
  @Override
  public long[] requestCosts() {
    if (inputs == null) {
      throw new IllegalStateException("the inputs are read with the first server: measure a point first");
    }
    if (!plan.model().equals("minilm")) {
      return inputs.stream().mapToLong(i -> 1).toArray();
    }
    System.setProperty("ai.djl.offline", "true"); // the tokenizer's native library ships in its jar
    try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(MiniLm.FP32.files(workDir).tokenizer(),
        Map.of("padding", "false", "truncation", "true", "maxLength", "256", "addSpecialTokens", "true"))) {
      return inputs.stream().mapToLong(i -> tokenizer.encode((String) i).getIds().length).toArray();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot read MiniLM's tokenizer to cost the inputs", e);
    }
  }

  private Path archive(String optimization) {
    if (plan.model().equals(DetectorPages.MODEL)) {
      return DetectorPages.archive(workDir, optimization);
    }
    if (!plan.model().equals("minilm")) {
      try (ModelArchive checked = ModelArchive.open(Path.of(plan.model()))) {
        return checked.source();
      }
    }
    return (optimization.equals("quantized") ? MiniLm.QUANTIZED : MiniLm.FP32).archive(workDir);
  }

  /** Mean cosine of the quantized model's vectors to fp32's over the first texts, computed once. */
  private double cosineToFp32(String optimization) {
    if (optimization.equals("fp32")) {
      return 1;
    }
    if (!plan.model().equals("minilm")) {
      return Double.NaN; // a cosine of vectors means nothing for other models' outputs
    }
    if (Double.isNaN(quantizedCosine)) {
      List<Object> sample = inputs.subList(0, Math.min(ACCURACY_TEXTS, inputs.size()));
      try (DirectOrtEmbedder fp32 = new DirectOrtEmbedder(MiniLm.FP32.files(workDir));
          DirectOrtEmbedder q = new DirectOrtEmbedder(MiniLm.QUANTIZED.files(workDir))) {
        double sum = 0;
        for (Object text : sample) {
          sum += SemanticSearch.cosine(fp32.embed((String) text), q.embed((String) text));
        }
        quantizedCosine = sum / sample.size();
      } catch (Exception e) {
        throw new IllegalStateException("cannot compare quantized vectors with fp32", e);
      }
    }
    return quantizedCosine;
  }

  private void closeServer() {
    if (embedder != null) {
      embedder.close();
      embedder = null;
      serving = null;
    }
  }

  @Override
  public void close() throws InterruptedException {
    closeServer();
    LoadRunner.shutdown(blockingPool);
  }
}
