package dev.serving4j.benchmarks;

import dev.serving4j.ModelArchive;
import dev.serving4j.ModelServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 * What serving4j's request path costs on its own: a no-op handler through {@code predict(...).join()}, against
 * calling the same no-op directly and against the least a hand-off can cost, {@code CompletableFuture.supplyAsync}
 * onto a one-thread executor (serving4j here also runs one worker). {@code latency} is one caller, sampled
 * ({@code SampleTime}: p50/p99 per call); {@code throughput64} is 64 callers at once, where batches form.
 *
 * <p>Run (about a minute on 2 cores), with allocation per call from the GC profiler:
 * <pre>{@code
 * ./mvnw -q install -DskipTests
 * java -jar benchmarks-jmh/target/benchmarks.jar DispatchBenchmark -f 1 -wi 2 -w 2s -i 3 -r 2s -prof gc
 * }</pre>
 * Read {@code gc.alloc.rate.norm} as bytes allocated per call (per batch of callers for {@code throughput64}).
 */
@State(Scope.Benchmark)
public class DispatchBenchmark {
  /** The three ways of getting a no-op done. */
  public enum Route {
    /** serving4j: predict, queue, one worker, no-op handler, future completes. */
    SERVING4J,
    /** The no-op handler's three stages called on the caller's thread. */
    DIRECT,
    /** {@code CompletableFuture.supplyAsync(noop, oneThreadExecutor).join()}. */
    EXECUTOR
  }

  private static final Object INPUT = "x";

  @Param
  Route route;

  private Dispatcher dispatcher;

  /** The facade each path sits behind. */
  private interface Dispatcher extends AutoCloseable {
    Object call(Object input);

    @Override
    void close();
  }

  /** Starts the path under test. */
  @Setup(Level.Trial)
  public void setUp() throws Exception {
    dispatcher = switch (route) {
      case SERVING4J -> serving4j();
      case DIRECT -> direct();
      case EXECUTOR -> executor();
    };
  }

  /** Stops it. */
  @TearDown(Level.Trial)
  public void tearDown() {
    dispatcher.close();
  }

  /** One caller: time per call. */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  @Threads(1)
  public Object latency() {
    return dispatcher.call(INPUT);
  }

  /** 64 callers: calls per second. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Threads(64)
  public Object throughput64() {
    return dispatcher.call(INPUT);
  }

  private static Dispatcher serving4j() throws Exception {
    Path dir = Files.createTempDirectory("serving4j-dispatch");
    Path archive = ModelArchive.builder("noop", "1").handler("noop").writeZip(dir.resolve("noop.s4j"));
    ModelServer server = ModelServer.builder().name("dispatch")
        .handler("noop", () -> new SyntheticHandler(0, 0)).build();
    server.register(archive, cfg -> cfg.workers(1).maxBatchSize(64).maxQueueSize(10_000));
    return new Dispatcher() {
      @Override
      public Object call(Object input) {
        return server.predict("noop", input).join();
      }

      @Override
      public void close() {
        server.close();
      }
    };
  }

  private static Dispatcher direct() {
    SyntheticHandler handler = new SyntheticHandler(0, 0);
    return new Dispatcher() {
      @Override
      public Object call(Object input) {
        return handler.postprocess(handler.inference(List.of(input), null), null).get(0);
      }

      @Override
      public void close() {}
    };
  }

  private static Dispatcher executor() {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    return new Dispatcher() {
      @Override
      public Object call(Object input) {
        return CompletableFuture.supplyAsync(() -> input, pool).join();
      }

      @Override
      public void close() {
        pool.shutdown();
      }
    };
  }
}
