package dev.serving4j.flink.bench;

import dev.serving4j.examples.Corpus;
import dev.serving4j.examples.DirectOrtEmbedder;
import dev.serving4j.examples.MiniLmArchive;
import dev.serving4j.examples.MiniLmFiles;
import dev.serving4j.flink.ArchiveSource;
import dev.serving4j.flink.AsyncPredict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * The same MiniCluster job (parallelism 2, MiniLM sentence embeddings) run two ways: serving4j's async operator
 * ({@code async-C}, C = the operator's capacity), and a plain {@code RichMapFunction} calling one ONNX Runtime
 * session shared by the JVM's subtasks, one sentence per run ({@code map}: what a Flink job does without serving4j).
 * Prints records/s per mode (over the job's net run time, without the MiniCluster's start) and, for the async modes, serving4j's mean batch size read from Flink's metrics.
 *
 * <p>Run (after {@code ./mvnw -q install -DskipTests}):
 * {@code ./mvnw -q -pl serving-flink exec:exec -Dexec.args="-classpath %classpath
 * dev.serving4j.flink.bench.OperatorBenchmark --sentences 3000 --rounds 2"}. Each mode runs {@code rounds} times after one warm-up round of 300
 * sentences; the best round counts. Timings are for a quiet machine; docs/flink.md records the figures.
 */
public final class OperatorBenchmark {
  private OperatorBenchmark() {}

  /** Runs every mode and prints one line per mode. */
  public static void main(String[] args) throws Exception {
    int sentences = (int) option(args, "--sentences", 3000);
    int rounds = (int) option(args, "--rounds", 2);
    Path dir = Files.createTempDirectory("serving4j-flink-bench-");
    MiniLmFiles files = MiniLmFiles.copyTo(dir);
    Path archive = MiniLmArchive.writeZip(files, dir.resolve("minilm.s4j"));
    List<String> texts = texts(sentences);
    SharedEmbedder.files = files;
    System.out.printf("%-10s %12s %16s%n", "mode", "records/s", "mean batch size");
    for (String mode : List.of("map", "async-16", "async-64")) {
      run(mode, archive, texts.subList(0, Math.min(300, texts.size())));
      double best = 0;
      double batch = Double.NaN;
      for (int r = 0; r < rounds; r++) {
        Result result = run(mode, archive, texts);
        if (result.perSecond() > best) {
          best = result.perSecond();
          batch = result.meanBatch();
        }
      }
      System.out.printf("%-10s %12.0f %16s%n", mode, best, Double.isNaN(batch) ? "1 (no batching)"
          : String.format("%.2f", batch));
    }
  }

  private record Result(double perSecond, double meanBatch) {}

  private static Result run(String mode, Path archive, List<String> texts) throws Exception {
    InMemoryReporter metrics = InMemoryReporter.createWithRetainedMetrics();
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2,
        metrics.addToConfiguration(new Configuration()));
    DataStream<String> in = env.fromData(texts);
    if (mode.equals("map")) {
      in.map(new SharedSessionMap()).sinkTo(new DiscardingSink<>());
    } else {
      int capacity = Integer.parseInt(mode.substring("async-".length()));
      AsyncPredict.model(ArchiveSource.path(archive), float[].class).capacity(capacity)
          .timeout(Duration.ofMinutes(5)).apply(in).sinkTo(new DiscardingSink<>());
    }
    JobExecutionResult result = env.execute(mode);
    double seconds = result.getNetRuntime(java.util.concurrent.TimeUnit.MILLISECONDS) / 1e3;
    double batch = Double.NaN;
    for (Map.Entry<String, Metric> m : metrics.findMetrics(result.getJobID(), "batch_size").entrySet()) {
      if (m.getKey().endsWith("batch_size.mean")) {
        batch = ((Number) ((Gauge<?>) m.getValue()).getValue()).doubleValue();
      }
    }
    metrics.close();
    return new Result(texts.size() / seconds, batch);
  }

  private static List<String> texts(int count) {
    List<Corpus.Sentence> corpus = Corpus.load().sentences();
    List<String> texts = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      texts.add(corpus.get(i % corpus.size()).text());
    }
    return texts;
  }

  private static double option(String[] args, String name, double fallback) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return Double.parseDouble(args[i + 1]);
      }
    }
    return fallback;
  }

  /** The baseline: one sentence per ONNX Runtime run, on a session shared by the JVM's subtasks. */
  static final class SharedSessionMap extends RichMapFunction<String, float[]> {
    @Override
    public void open(OpenContext context) throws Exception {
      SharedEmbedder.acquire();
    }

    @Override
    public float[] map(String text) throws Exception {
      return SharedEmbedder.instance.embed(text);
    }

    @Override
    public void close() throws Exception {
      SharedEmbedder.release();
    }
  }

  /** One {@link DirectOrtEmbedder} per JVM, reference-counted like serving4j's shared server. */
  static final class SharedEmbedder {
    static MiniLmFiles files;
    static DirectOrtEmbedder instance;
    private static int users;

    private SharedEmbedder() {}

    static synchronized void acquire() throws Exception {
      if (users++ == 0) {
        instance = new DirectOrtEmbedder(files);
      }
    }

    static synchronized void release() throws Exception {
      if (--users == 0) {
        instance.close();
        instance = null;
      }
    }
  }
}
