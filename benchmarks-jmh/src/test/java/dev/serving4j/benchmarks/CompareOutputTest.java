package dev.serving4j.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The compare tables carry serving4j's model-run share, and leave it blank for peers. */
class CompareOutputTest {
  private static LoadRunner.Outcome outcome() {
    Histogram h = new Histogram(3);
    h.recordValue(1_000);
    return new LoadRunner.Outcome(h, 1_000_000_000L, 0);
  }

  private static final List<CompareCommand.Point> POINTS = List.of(
      new CompareCommand.Point("ocr:cls", EmbedderType.SERVING4J_ZERO_CONFIG, 64, outcome(), 1, 0.925),
      new CompareCommand.Point("ocr:cls", EmbedderType.RAW_ORT, 64, outcome(), 1, Double.NaN));

  @Test
  void csvHasTheShareForServing4jAndNothingForThePeer() {
    List<String> lines = CompareCommand.csv(POINTS).lines().toList();
    assertTrue(lines.get(0).endsWith(",inference_share"), lines.get(0));
    assertTrue(lines.get(1).endsWith(",0.925"), lines.get(1));
    assertTrue(lines.get(2).endsWith(","), lines.get(2));
  }

  @Test
  void markdownShowsTheShareAsAPercentage() {
    CompareCommand command = new CompareCommand();
    command.reference = EmbedderType.SERVING4J_ZERO_CONFIG;
    String md = command.markdown(POINTS);
    assertTrue(md.contains("| 93% |"), md);
  }

  @Test
  void shareIsInferenceOverTheWorkersBusyTime() {
    ServingStats.Snapshot s = new ServingStats.Snapshot(0, 0, 0, 1, 6, 1, 4);
    assertEquals(0.75, s.inferenceShare(), 1e-9);
  }

  @Test
  void onlyTheThreeOcrImplementationsServeAnOcrWorkload() throws Exception {
    assertEquals(null, EmbedderType.DJL.open(OcrWorkload.CLS, null));
    assertEquals(null, EmbedderType.LANGCHAIN4J.open(OcrWorkload.REC, null));
  }
}
