package dev.serving4j.flink.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serving4j.ModelServer;
import dev.serving4j.examples.ocr.TextDirectionClassifier.Direction;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark's classifier workload does the same work both ways and runs on a MiniCluster, with a handful of
 * records and no timing checked. Runs only where the PaddleOCR files are ({@code .ci/fetch-ocr-models}).
 */
@EnabledIf("dev.serving4j.examples.ocr.OcrModels#present")
class OperatorBenchmarkWhenOcrModelsArePresentTest {
  private final DirectionWorkload workload = new DirectionWorkload();

  @TempDir
  Path directory;

  @Test
  void theMapsSessionFindsTheSameDirectionsAsTheHandler() throws Exception {
    Path archive = workload.archive(directory);
    List<byte[]> lines = workload.records(8);
    try (ModelServer server = ModelServer.builder().build();
        RawDirectionClassifier raw = new RawDirectionClassifier()) {
      String model = server.register(archive).name();
      for (byte[] line : lines) {
        Direction served = (Direction) server.predictBlocking(model, line);
        Direction direct = raw.classify(line);
        assertEquals(served.rotated(), direct.rotated());
        assertEquals(served.probabilityRotated(), direct.probabilityRotated(), 1e-4);
      }
    }
  }

  @Test
  void bothModesRunTheClassifierAndOnlyTheOperatorBatches() throws Exception {
    Path archive = workload.archive(directory);
    List<byte[]> records = workload.records(48);
    OperatorBenchmark.Result map = OperatorBenchmark.run(workload, "map", archive, records);
    OperatorBenchmark.Result async = OperatorBenchmark.run(workload, "async-16", archive, records);
    assertTrue(Double.isNaN(map.meanBatch()), "the map reports no serving4j batches");
    assertTrue(async.meanBatch() >= 1, "the operator's mean batch size is read from Flink's metrics, was "
        + async.meanBatch());
  }
}
