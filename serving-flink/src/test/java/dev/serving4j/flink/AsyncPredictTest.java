package dev.serving4j.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serving4j.InvalidInputException;
import dev.serving4j.onnx.Label;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The DataStream operator on a MiniCluster (one TaskManager, parallelism 2) with the tiny ONNX classifier. */
class AsyncPredictTest {
  private static final int RECORDS = 10_000;
  private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

  @RegisterExtension
  static final MiniClusterExtension CLUSTER = Fixtures.miniCluster(METRICS.addToConfiguration(new Configuration()));

  @TempDir
  static Path directory;
  private static Path archive;

  @BeforeAll
  static void writeArchive() {
    archive = Fixtures.classifierArchive(directory);
  }

  private static final TypeInformation<List<Label>> LABELS = TypeInformation.of(new TypeHint<List<Label>>() {});

  /** Every 100th record is not an image. */
  private static byte[] input(long i) {
    return i % 100 == 0 ? Fixtures.NOT_AN_IMAGE : Fixtures.image(i);
  }

  private static Jobs.Run<Prediction<byte[], List<Label>>> classify(ArchiveSource source, FailurePolicy policy)
      throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(Fixtures.PARALLELISM);
    DataStream<byte[]> images = Jobs.generate(env, RECORDS, AsyncPredictTest::input,
        PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
    return Jobs.collect(env, AsyncPredict.model(source, LABELS).capacity(32).onFailure(policy).apply(images));
  }

  private static String topLabel(Prediction<byte[], List<Label>> p) {
    return p.getOutput().get(0).label();
  }

  @Test
  void everyRecordIsEmittedOnceAndBadOnesCarryTheirInputAndError() throws Exception {
    List<Prediction<byte[], List<Label>>> out = classify(ArchiveSource.path(archive), FailurePolicy.EMIT_ERROR)
        .results();

    assertEquals(RECORDS, out.size());
    Map<String, Long> labels = out.stream().filter(Prediction::isSuccess)
        .collect(Collectors.groupingBy(AsyncPredictTest::topLabel, Collectors.counting()));
    assertEquals(Map.of("red", 2400L, "green", 2500L, "blue", 2500L, "dark", 2500L), labels);
    List<Prediction<byte[], List<Label>>> failed = out.stream().filter(p -> !p.isSuccess()).toList();
    assertEquals(RECORDS / 100, failed.size());
    assertTrue(failed.stream().allMatch(p -> p.getErrorType().equals("InvalidInputException")
        && Arrays.equals(Fixtures.NOT_AN_IMAGE, p.getInput())), failed.get(0).toString());
  }

  @Test
  void failJobPolicyFailsTheJobWithTheTypedError() {
    Exception e = assertThrows(Exception.class, () -> classify(ArchiveSource.path(archive), FailurePolicy.FAIL_JOB));
    assertTrue(ExceptionUtils.findThrowable(e, InvalidInputException.class).isPresent(), e.toString());
  }

  @Test
  void resubmittedJobsEachGetAFreshSharedServer() throws Exception {
    ArchiveSource shipped = ArchiveSource.bytes(archive);
    for (int job = 1; job <= 2; job++) {
      assertEquals(RECORDS, classify(shipped, FailurePolicy.EMIT_ERROR).results().size(), "job " + job);
      assertEquals(0, SharedServers.liveServers(), "job " + job + " closed its server when its subtasks closed");
    }
  }

  @Test
  void serverMetersAndRecordCountsReachFlinkMetrics() throws Exception {
    Jobs.Run<Prediction<byte[], List<Label>>> run = classify(ArchiveSource.path(archive),
        FailurePolicy.EMIT_ERROR);
    Map<String, Metric> metrics = METRICS.findMetrics(run.jobId(), "serving4j");

    assertEquals(RECORDS - RECORDS / 100, sum(metrics, "serving4j.recordsSucceeded"));
    assertEquals(RECORDS / 100, sum(metrics, "serving4j.recordsFailed"));
    Function<String, Double> server = suffix -> metrics.entrySet().stream()
        .filter(m -> m.getKey().endsWith(suffix)).map(m -> ((Number) ((Gauge<?>) m.getValue()).getValue())
            .doubleValue()).findFirst().orElseThrow(() -> new AssertionError(suffix + " in " + metrics.keySet()));
    // The classifier refuses undecodable images in prepare, before queueing: those count as rejected.
    assertEquals(RECORDS - RECORDS / 100, server.apply("serving4j.server.requests.outcome.success.value"));
    assertEquals(RECORDS / 100, server.apply("serving4j.server.requests.outcome.rejected.value")
        + server.apply("serving4j.server.requests.outcome.failed.value"));
    assertTrue(server.apply("serving4j.server.batch_size.count") > 0);
    assertEquals(0, server.apply("serving4j.server.queue_depth.value"));
  }

  private static long sum(Map<String, Metric> metrics, String suffix) {
    return metrics.entrySet().stream().filter(m -> m.getKey().endsWith(suffix))
        .mapToLong(m -> ((Counter) m.getValue()).getCount()).sum();
  }
}
