package dev.serving4j.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.serving4j.ModelArchive;
import dev.serving4j.ModelServer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.test.simple.SimpleSpan;
import io.micrometer.tracing.test.simple.SimpleTracer;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With micrometer-tracing, a request is one span in its caller's trace, with its queue wait and its model run as
 * child spans. This is also the compiled example of {@code docs/metrics.md}, "Tracing": an application would pass
 * the {@code OtelTracer} of micrometer-tracing-bridge-otel where this test passes a {@link SimpleTracer}.
 */
class RequestSpansTest {
  @TempDir Path dir;

  @Test
  void aRequestIsASpanUnderItsCallersSpanWithQueueAndRunChildren() throws Exception {
    SimpleTracer tracer = new SimpleTracer(); // in an application: the OpenTelemetry bridge's OtelTracer
    ObservationRegistry observations = ObservationRegistry.create();
    observations.observationConfig().observationHandler(new DefaultTracingObservationHandler(tracer));
    RecordingHandler.Probe probe = new RecordingHandler.Probe();
    try (ModelServer server = ModelServer.builder().handler("rec", () -> new RecordingHandler(probe))
        .observationRegistry(observations).build()) {
      server.register(ModelArchive.builder("m", "1").handler("rec").writeDirectory(dir.resolve("m")));
      Observation caller = Observation.start("http.request", observations); // what a web framework opens
      try (Observation.Scope scope = caller.openScope()) {
        server.predict("m", "x").get(10, TimeUnit.SECONDS);
      } finally {
        caller.stop();
      }
    }
    Map<String, SimpleSpan> spans = tracer.getSpans().stream()
        .collect(Collectors.toMap(SimpleSpan::getName, Function.identity()));
    SimpleSpan root = spans.get("http.request");
    SimpleSpan request = spans.get("serving4j.request");
    assertEquals(root.getSpanId(), request.getParentId());
    assertEquals(request.getSpanId(), spans.get("serving4j.request.queue").getParentId());
    assertEquals(request.getSpanId(), spans.get("serving4j.request.run").getParentId());
    assertEquals(1, spans.values().stream().map(SimpleSpan::getTraceId).distinct().count(), "one trace: " + spans);
    assertEquals("m", request.getTags().get("model"));
    assertEquals("success", request.getTags().get("outcome"));
  }
}
