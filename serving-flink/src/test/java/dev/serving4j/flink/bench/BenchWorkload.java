package dev.serving4j.flink.bench;

import java.nio.file.Path;
import java.util.List;
import org.apache.flink.api.common.functions.RichMapFunction;

/**
 * One model the benchmark runs both ways: its archive for serving4j's operator, and the plain map that does the
 * same work per record on a shared ONNX Runtime session.
 *
 * @param <I> the stream's records (what the source emits and the model takes)
 * @param <O> the model's answer per record
 */
interface BenchWorkload<I, O> {
  /** The name on the command line and in the printed table. */
  String name();

  /** Writes the archive (the examples' own, with no serving configuration) under {@code directory}. */
  Path archive(Path directory);

  /** {@code count} records, in a fixed order. */
  List<I> records(int count);

  /** The handler's output type, for {@code AsyncPredict.model}. */
  Class<O> outputType();

  /** The baseline: one record per ONNX Runtime run on a session shared by the JVM's subtasks. */
  RichMapFunction<I, O> sharedSessionMap();
}
