package dev.serving4j.flink.example;

import dev.serving4j.examples.Corpus;
import dev.serving4j.examples.MiniLmArchive;
import dev.serving4j.examples.MiniLmFiles;
import dev.serving4j.flink.ArchiveSource;
import dev.serving4j.flink.AsyncPredict;
import dev.serving4j.flink.FailurePolicy;
import dev.serving4j.flink.Prediction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.CloseableIterator;

/**
 * Near-duplicates in a stream: the examples' corpus (about 3,000 sentences) flows through a local Flink MiniCluster
 * (parallelism 2), MiniLM embeds each sentence through serving4j's async operator, and a keyed operator compares
 * every new vector with the ones seen so far, emitting each pair whose cosine similarity is at least the threshold.
 *
 * <p>Run: {@code ./mvnw -q install -DskipTests && ./mvnw -q -pl serving-flink exec:exec}
 * (options: {@code -Dexec.args="--threshold 0.9 --limit 1000"}).
 */
public final class NearDuplicateJob {
  private NearDuplicateJob() {}

  /** Two sentences whose embeddings are at least the threshold apart in cosine similarity. */
  public record Pair(String first, String second, float similarity) {}

  /** Builds the MiniLM archive, runs the job and prints the pairs found. */
  public static void main(String[] args) throws Exception {
    double threshold = option(args, "--threshold", 0.92);
    int limit = (int) option(args, "--limit", Integer.MAX_VALUE);
    List<Corpus.Sentence> sentences = Corpus.load().sentences();
    sentences = sentences.subList(0, Math.min(limit, sentences.size()));
    Path dir = Files.createTempDirectory("serving4j-flink-example-");
    Path archive = MiniLmArchive.writeZip(MiniLmFiles.copyTo(dir), dir.resolve("minilm.s4j"));

    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2);
    DataStream<String> texts = env.fromData(sentences.stream().map(Corpus.Sentence::text).toList());
    DataStream<Prediction<String, float[]>> vectors = AsyncPredict.model(ArchiveSource.path(archive), float[].class)
        .capacity(32).timeout(Duration.ofMinutes(1)).onFailure(FailurePolicy.EMIT_ERROR).apply(texts);
    DataStream<Pair> pairs = vectors.filter(Prediction::isSuccess)
        .keyBy(p -> 0, Types.INT)
        .process(new CompareWithSeen(threshold)).returns(Pair.class);

    long start = System.nanoTime();
    List<Pair> found = new ArrayList<>();
    try (CloseableIterator<Pair> it = pairs.executeAndCollect("near-duplicates")) {
      it.forEachRemaining(found::add);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    found.sort((a, b) -> Float.compare(b.similarity(), a.similarity()));
    System.out.printf("%d sentences embedded and compared in %.1f s (%.0f sentences/s); %d pairs with cosine >= "
        + "%.2f%n", sentences.size(), seconds, sentences.size() / seconds, found.size(), threshold);
    found.stream().limit(10).forEach(p -> System.out.printf("%.3f  %s%n       %s%n", p.similarity(), p.first(),
        p.second()));
  }

  private static double option(String[] args, String name, double fallback) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return Double.parseDouble(args[i + 1]);
      }
    }
    return fallback;
  }

  /** Keeps every vector seen (one key: the whole stream) and emits the new vector's near-duplicates. */
  static final class CompareWithSeen extends KeyedProcessFunction<Integer, Prediction<String, float[]>, Pair> {
    private final double threshold;
    private transient ListState<Prediction<String, float[]>> seen;

    CompareWithSeen(double threshold) {
      this.threshold = threshold;
    }

    @Override
    public void open(OpenContext context) {
      TypeInformation<Prediction<String, float[]>> type = AsyncPredict.predictionType(Types.STRING,
          TypeInformation.of(new TypeHint<float[]>() {}));
      seen = getRuntimeContext().getListState(new ListStateDescriptor<>("seen", type));
    }

    @Override
    public void processElement(Prediction<String, float[]> p, Context context, Collector<Pair> out)
        throws Exception {
      for (Prediction<String, float[]> earlier : seen.get()) {
        float cosine = dot(p.getOutput(), earlier.getOutput()); // MiniLM vectors are L2-normalised
        if (cosine >= threshold && !earlier.getInput().equals(p.getInput())) {
          out.collect(new Pair(earlier.getInput(), p.getInput(), cosine));
        }
      }
      seen.add(p);
    }

    private static float dot(float[] a, float[] b) {
      float sum = 0;
      for (int i = 0; i < a.length; i++) {
        sum += a[i] * b[i];
      }
      return sum;
    }
  }
}
