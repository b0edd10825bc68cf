package dev.serving4j.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serving4j.ModelArchive;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.serialization.SimpleStringEncoder;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * §5 of the design: with checkpointing on, a task that throws once mid-job restarts from the last checkpoint; the
 * records in flight at the failure are replayed and predicted again, and the exactly-once file sink still holds each
 * result exactly once.
 */
class CheckpointRecoveryTest {
  private static final int RECORDS = 10_000;

  @RegisterExtension
  static final MiniClusterExtension CLUSTER = Fixtures.miniCluster(new Configuration());

  @TempDir
  Path directory;

  /** Throws once, on the first record after a checkpoint has completed (so the restart restores real state). */
  static final class FailOnceAfterCheckpoint implements MapFunction<Prediction<Long, String>, String>,
      CheckpointListener {
    static final AtomicBoolean FAILED = new AtomicBoolean();
    private transient boolean checkpointed;

    @Override
    public String map(Prediction<Long, String> p) {
      if (checkpointed && FAILED.compareAndSet(false, true)) {
        throw new IllegalStateException("injected failure");
      }
      return p.getOutput();
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
      checkpointed = true;
    }
  }

  @Test
  void injectedFailureLosesAndDuplicatesNoResultInTheCheckpointedSink() throws Exception {
    Path archive = ModelArchive.builder("ids", "1").handler(IdHandler.class).config(java.util.Map.of(
        "maxBatchSize", 16)).writeZip(directory.resolve("ids.s4j"));
    Path output = Files.createDirectories(directory.resolve("out"));
    long itemsBefore = IdHandler.ITEMS.get();

    Configuration conf = new Configuration();
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 2);
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, java.time.Duration.ZERO);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(Fixtures.PARALLELISM);
    env.enableCheckpointing(50);
    AsyncPredict.model(ArchiveSource.path(archive), String.class).capacity(16)
        .apply(Jobs.idsPacedByCheckpoints(env, RECORDS, 500))
        .map(new FailOnceAfterCheckpoint())
        .sinkTo(FileSink.forRowFormat(new org.apache.flink.core.fs.Path(output.toUri()),
            new SimpleStringEncoder<String>()).build());
    env.execute("checkpoint recovery");

    assertTrue(FailOnceAfterCheckpoint.FAILED.get(), "the failure was injected");
    List<String> lines = committedLines(output);
    Set<String> distinct = new HashSet<>(lines);
    assertEquals(RECORDS, lines.size(), "results in the sink");
    assertEquals(RECORDS, distinct.size(), "distinct results in the sink");
    assertTrue(distinct.contains("id:0") && distinct.contains("id:" + (RECORDS - 1)));
    assertTrue(IdHandler.ITEMS.get() - itemsBefore >= RECORDS, "predict ran at least once per record");
  }

  /** Lines of the sink's committed files (in-progress and pending files are hidden, named with a leading dot). */
  private static List<String> committedLines(Path output) throws IOException {
    try (Stream<Path> files = Files.walk(output)) {
      return files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith("."))
          .flatMap(f -> {
            try {
              return Files.readAllLines(f).stream();
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          }).toList();
    }
  }
}
