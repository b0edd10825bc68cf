package dev.serving4j.flink;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;

/** Small helpers to run a MiniCluster job and collect what it emitted. */
final class Jobs {
  private Jobs() {}

  /** A replayable (checkpointed) source of {@code count} elements made by {@code generator} from 0..count-1. */
  static <T> DataStream<T> generate(StreamExecutionEnvironment env, long count, GeneratorFunction<Long, T> generator,
      TypeInformation<T> type) {
    return env.fromSource(new DataGeneratorSource<>(generator, count, type),
        org.apache.flink.api.common.eventtime.WatermarkStrategy.noWatermarks(), "records");
  }

  /** Like {@link #generate}, releasing {@code perCheckpoint} elements per subtask between checkpoints. */
  static DataStream<Long> idsPacedByCheckpoints(StreamExecutionEnvironment env, long count, int perCheckpoint) {
    return env.fromSource(new DataGeneratorSource<>(i -> i, count, RateLimiterStrategy.perCheckpoint(perCheckpoint),
        Types.LONG), org.apache.flink.api.common.eventtime.WatermarkStrategy.noWatermarks(), "ids");
  }

  /** A finished job's id and everything its collected stream emitted. */
  record Run<T>(JobID jobId, List<T> results) {}

  /** Runs the job that ends in {@code stream} and collects every element it emits. */
  static <T> Run<T> collect(StreamExecutionEnvironment env, DataStream<T> stream) throws Exception {
    List<T> results = new ArrayList<>();
    try (CloseableIterator<T> it = stream.collectAsync()) {
      JobClient client = env.executeAsync();
      it.forEachRemaining(results::add);
      client.getJobExecutionResult().get();
      return new Run<>(client.getJobID(), results);
    }
  }
}
