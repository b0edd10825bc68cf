package dev.serving4j.metrics;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.serving4j.ModelArchive;
import dev.serving4j.ModelServer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.tck.TestObservationRegistry;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each request is one {@code serving4j.request} observation under its caller's observation, with a queue-wait and
 * a model-run child, keyed by model, version, batch size and outcome.
 */
class TracingTest {
  @TempDir Path dir;
  final TestObservationRegistry registry = TestObservationRegistry.create();
  final RecordingHandler.Probe probe = new RecordingHandler.Probe();

  private ModelServer server() {
    ModelServer server = ModelServer.builder().handler("rec", () -> new RecordingHandler(probe))
        .observationRegistry(registry).build();
    server.register(ModelArchive.builder("m", "1").handler("rec").config(Map.of("workers", 1, "maxBatchSize", 8))
        .writeDirectory(dir.resolve("m")));
    return server;
  }

  /** Predicts {@code input} inside an observation named {@code caller}, as an instrumented web request would. */
  private static Object predictUnder(ModelServer server, Observation caller, String input) throws Exception {
    try (Observation.Scope scope = caller.start().openScope()) {
      return server.predict("m", input).get(10, TimeUnit.SECONDS);
    } finally {
      caller.stop();
    }
  }

  @Test
  void aRequestIsObservedUnderItsCallersObservation() throws Exception {
    try (ModelServer server = server()) {
      assertEquals("ok:x", predictUnder(server, Observation.createNotStarted("caller", registry), "x"));
    }
    assertThat(registry).hasObservationWithNameEqualTo("serving4j.request").that()
        .hasParentObservationContextMatching(parent -> parent.getName().equals("caller"))
        .hasLowCardinalityKeyValue("model", "m")
        .hasLowCardinalityKeyValue("version", "1")
        .hasLowCardinalityKeyValue("outcome", "success")
        .hasLowCardinalityKeyValue("batch.size", "1")
        .hasHighCardinalityKeyValue("request.id", "1")
        .doesNotHaveError()
        .hasBeenStarted()
        .hasBeenStopped();
  }

  @Test
  void aRequestHasItsQueueWaitAndItsModelRunAsChildren() throws Exception {
    try (ModelServer server = server()) {
      predictUnder(server, Observation.createNotStarted("caller", registry), "x");
    }
    assertThat(registry).hasObservationWithNameEqualTo("serving4j.request.queue").that()
        .hasParentObservationContextMatching(parent -> parent.getName().equals("serving4j.request"))
        .hasLowCardinalityKeyValue("model", "m")
        .hasBeenStopped();
    assertThat(registry).hasObservationWithNameEqualTo("serving4j.request.run").that()
        .hasParentObservationContextMatching(parent -> parent.getName().equals("serving4j.request"))
        .hasLowCardinalityKeyValue("model", "m")
        .hasLowCardinalityKeyValue("batch.size", "1")
        .hasLowCardinalityKeyValue("outcome", "success")
        .hasHighCardinalityKeyValue("batch.id", "1")
        .hasBeenStopped();
  }

  @Test
  void aFailedRequestIsObservedWithItsOutcomeAndError() throws Exception {
    try (ModelServer server = server()) {
      Observation caller = Observation.createNotStarted("caller", registry);
      ExecutionException e = assertThrows(ExecutionException.class, () -> predictUnder(server, caller, "bomb"));
      assertThat(registry).hasObservationWithNameEqualTo("serving4j.request").that()
          .hasLowCardinalityKeyValue("outcome", "failed")
          .hasError(e.getCause());
    }
    assertThat(registry).hasObservationWithNameEqualTo("serving4j.request.run").that()
        .hasLowCardinalityKeyValue("outcome", "failed")
        .hasError();
  }

  @Test
  void aRequestWithoutACallerObservationIsARootObservation() throws Exception {
    try (ModelServer server = server()) {
      server.predict("m", "x").get(10, TimeUnit.SECONDS);
    }
    assertThat(registry).hasObservationWithNameEqualTo("serving4j.request").that().doesNotHaveParentObservation();
  }

  @Test
  void everyRequestOfABatchGetsItsOwnRunUnderItsOwnRequest() throws Exception {
    probe.hold();
    try (ModelServer server = server()) {
      var first = server.predict("m", "a");
      probe.entered.await(10, TimeUnit.SECONDS); // the worker holds "a"; the next three queue up behind it
      var rest = java.util.stream.Stream.of("b", "c", "d").map(in -> server.predict("m", in)).toList();
      probe.release();
      first.get(10, TimeUnit.SECONDS);
      for (var f : rest) {
        f.get(10, TimeUnit.SECONDS);
      }
    }
    assertThat(registry)
        .hasNumberOfObservationsWithNameEqualTo("serving4j.request", 4)
        .hasNumberOfObservationsWithNameEqualTo("serving4j.request.run", 4)
        .forAllObservationsWithNameEqualTo("serving4j.request.run", run -> run.hasParentObservation())
        .hasAnObservationWithAKeyValue("batch.size", "3");
  }
}
