package dev.serving4j.benchmarks;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * all-MiniLM-L6-v2 embeddings per second, serving4j against the peers, all behind {@link Embedder}
 * (Caffeine's {@code GetPutBenchmark} style): {@code implementation} picks one of {@link EmbedderType}, and every
 * implementation gets the same texts (workload A {@code corpus:mixed}, 5-60 words, or B {@code corpus:short},
 * 6-10 words), each thread walking them from its own random start. 1, 16 and 64 callers are three methods.
 *
 * <p>Run (each implementation gets its own JVM, so DJL's ORT environment and the others never meet):
 * <pre>{@code
 * ./mvnw -q install -DskipTests
 * java -jar benchmarks-jmh/target/benchmarks.jar EmbeddingBenchmark -f 1 -wi 1 -w 5s -i 2 -r 5s
 * java -jar benchmarks-jmh/target/benchmarks.jar 'EmbeddingBenchmark.threads64' -f 1 -wi 1 -w 5s -i 1 -r 10s \
 *     -bm sample -tu ms -p workload=corpus:short
 * }</pre>
 * {@code -bm sample -tu ms} gives each call's latency percentiles instead of throughput. For throughput and p99 of
 * every implementation side by side in one JVM (the figures in {@code docs/benchmarks/}), use
 * {@code BenchTool compare}, which drives the same facade with a closed-loop load.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class EmbeddingBenchmark {
  @Param
  EmbedderType implementation;

  @Param({Workload.MIXED, Workload.SHORT})
  String workload;

  @Param("0")
  int sentences; // 0: all of the workload's texts

  private Embedder embedder;
  private String[] texts;

  /** Each thread's position in the texts. */
  @State(Scope.Thread)
  public static class Cursor {
    int next = ThreadLocalRandom.current().nextInt(1 << 16);
  }

  /** Loads the model into the implementation under test. */
  @Setup(Level.Trial)
  public void setUp() throws Exception {
    List<String> all = Workload.texts(workload);
    texts = (sentences > 0 ? all.subList(0, Math.min(sentences, all.size())) : all).toArray(String[]::new);
    embedder = implementation.create(MiniLm.FP32, MiniLm.defaultDirectory());
    embedder.embed(texts[0]);
  }

  /** Closes it. */
  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    embedder.close();
  }

  /** One caller. */
  @Benchmark
  @Threads(1)
  public float[] threads01(Cursor cursor) throws Exception {
    return embedder.embed(texts[cursor.next++ % texts.length]);
  }

  /** 16 callers. */
  @Benchmark
  @Threads(16)
  public float[] threads16(Cursor cursor) throws Exception {
    return embedder.embed(texts[cursor.next++ % texts.length]);
  }

  /** 64 callers. */
  @Benchmark
  @Threads(64)
  public float[] threads64(Cursor cursor) throws Exception {
    return embedder.embed(texts[cursor.next++ % texts.length]);
  }
}
