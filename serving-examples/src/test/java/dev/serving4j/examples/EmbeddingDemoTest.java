package dev.serving4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** README command 1 in its reduced mode: the demo must run end to end and print its table. */
class EmbeddingDemoTest {
  private static String run(int expectedStatus, String... args) {
    StringWriter text = new StringWriter();
    int status = EmbeddingDemo.run(new PrintWriter(text), args);
    assertEquals(expectedStatus, status, text.toString());
    return text.toString();
  }

  @Test
  void quickModeRunsEveryStepAndPrintsMeasuredFigures() {
    String out = run(0, "--quick");
    assertTrue(out.contains("1. Archive "), out);
    assertTrue(out.contains("\"send an email\""), out);
    assertTrue(out.contains("lowest cosine similarity 1.0000") || out.contains("lowest cosine similarity 0.9999"),
        out);
    Matcher served = Pattern.compile("\\| serving4j ADAPTIVE .* \\| (\\d+) \\| [\\d.]+ \\| [\\d.]+ \\| ([\\d.]+) \\|")
        .matcher(out);
    assertTrue(served.find(), out);
    assertTrue(Integer.parseInt(served.group(1)) > 0, "throughput");
    assertTrue(Double.parseDouble(served.group(2)) >= 1, "mean batch size");
    assertTrue(out.contains("| plain ORT, shared session, 1 request per run | "), out);
  }

  @Test
  void flagsChangeTheBatchingConfig() {
    String out = run(0, "--quick", "--requests", "40", "--threads", "4", "--mode", "FIXED_DELAY",
        "--max-batch-size", "4", "--workers", "2", "--intra-op-threads", "1", "--max-batch-cost", "64");
    assertTrue(out.contains("| serving4j FIXED_DELAY (workers=2, maxBatchSize=4, maxBatchCost=64, {intraOpThreads=1}) |"),
        out);
    assertTrue(out.contains("40 requests, 4 client threads"), out);
  }

  @Test
  void anUnknownOptionIsAUsageError() {
    String out = run(2, "--no-such-option");
    assertTrue(out.contains("Unknown option"), out);
  }
}
