package dev.serving4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Handler custom metrics and describe's recent figures, through a real server. */
class HandlerMetricsWiringTest {
  @TempDir Path dir;

  /** Counts the characters it sees in a custom counter. */
  static final class CountingHandler implements Handler<String, String> {
    private io.micrometer.core.instrument.Counter chars;

    @Override
    public void initialize(HandlerContext context) {
      chars = context.metrics().counter("chars.seen");
    }

    @Override
    public Object preprocess(Batch<String> batch) {
      batch.inputs().forEach(s -> chars.increment(s.length()));
      return batch.inputs();
    }

    @Override
    public Object inference(Object pre, Batch<String> batch) {
      return pre;
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<String> postprocess(Object inferred, Batch<String> batch) {
      return (List<String>) inferred;
    }
  }

  @Test
  void aHandlersCustomMeterCarriesTheModelsTagsAndDescribeShowsRecentFigures() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (ModelServer server = ModelServer.builder().meterRegistry(registry)
        .handler("counting", CountingHandler::new).build()) {
      server.register(ModelArchive.builder("m", "1").handler("counting").writeDirectory(dir.resolve("m")));
      for (int i = 0; i < 10; i++) {
        server.predictBlocking("m", "abcd");
      }
      var counter = registry.find("serving4j.custom.chars.seen").tag("model", "m").tag("version", "1").counter();
      assertNotNull(counter, "custom counter missing: " + registry.getMetersAsString());
      assertEquals(40.0, counter.count());
      ModelDescription.Recent recent = server.describe("m").versions().get(0).recent();
      assertEquals(10, recent.requests());
      assertTrue(recent.p99().compareTo(recent.p50()) >= 0 && !recent.p50().isNegative(), recent.toString());
    }
  }
}
