package dev.serving4j;

import static dev.serving4j.Servers.archive;
import static dev.serving4j.Servers.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FailureTest {
  @TempDir Path dir;
  final TestHandler.Probe probe = new TestHandler.Probe("v1");
  final ModelServer server = Servers.server(probe);

  @AfterEach
  void closeServer() {
    probe.open();
    server.close();
  }

  @Test
  void aPoisonItemFailsAloneWhileItsBatchMatesSucceed() throws Exception {
    server.register(archive(dir, "m", "1", Map.of("workers", 1, "maxBatchSize", 8)));
    probe.close();
    CompletableFuture<Object> first = server.predict("m", "first");
    assertTrue(probe.entered.await(10, TimeUnit.SECONDS));
    List<CompletableFuture<Object>> batch = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      batch.add(server.predict("m", i == 3 ? "poison-3" : "ok-" + i));
    }
    probe.open();
    first.get(10, TimeUnit.SECONDS);
    for (int i = 0; i < 7; i++) {
      if (i == 3) {
        Throwable cause = QueueTest.cause(batch.get(i));
        assertInstanceOf(HandlerException.class, cause);
        assertInstanceOf(IllegalArgumentException.class, cause.getCause());
      } else {
        assertEquals("v1:ok-" + i, batch.get(i).get(10, TimeUnit.SECONDS));
      }
    }
    assertTrue(probe.batches.stream().anyMatch(b -> b.contains("poison-3") && b.size() > 1));
  }

  @Test
  void aStageExceptionFailsItsBatchWithTheCauseAndTheWorkerCarriesOn() throws Exception {
    server.register(archive(dir, "m", "1", Map.of("workers", 1)));
    Throwable cause = QueueTest.cause(server.predict("m", "batch-bomb"));
    assertInstanceOf(HandlerException.class, cause);
    assertTrue(cause.getMessage().contains("inference failed"), cause.getMessage());
    assertInstanceOf(IllegalArgumentException.class, cause.getCause());
    assertEquals("v1:next", server.predictBlocking("m", "next"));
    assertEquals(1, probe.initializations.get(), "an exception must not restart the worker");
  }

  @Test
  void aCrashingHandlerGetsItsWorkerRestarted() throws Exception {
    server.register(archive(dir, "m", "1", Map.of("workers", 1, "idempotent", false)));
    Throwable cause = QueueTest.cause(server.predict("m", "crash"));
    assertInstanceOf(WorkerFailedException.class, cause);
    assertInstanceOf(OutOfMemoryError.class, cause.getCause());
    assertEquals("v1:alive", server.predictBlocking("m", "alive"));
    assertEquals(2, probe.initializations.get());
    assertEquals(1, probe.closes.get(), "the crashed handler was closed");
    assertEquals(1, server.describe("m").versions().get(0).workers().get(0).restarts());
  }

  @Test
  void initializeFailuresAreRetriedWithBackoff() {
    probe.initFailuresLeft.set(2);
    server.register(archive(dir, "m", "1", Map.of("workers", 1)));
    assertEquals("v1:ok", server.predictBlocking("m", "ok"));
    assertEquals(3, probe.initializations.get());
    assertEquals(2, server.describe("m").versions().get(0).workers().get(0).restarts());
  }

  @Test
  void registrationFailsWithTheCauseWhenInitializeKeepsFailing() {
    probe.initFailuresLeft.set(Integer.MAX_VALUE);
    HandlerException e = assertThrows(HandlerException.class,
        () -> server.register(archive(dir, "m", "1", Map.of("workers", 1))));
    assertInstanceOf(IllegalStateException.class, e.getCause());
    assertTrue(e.getMessage().contains("model 'm' version '1'"), e.getMessage());
    assertTrue(server.models().isEmpty());
  }

  @Test
  void aBatchOverrunningTheInferenceTimeoutFailsAndTheWorkerIsReplaced() throws Exception {
    server.register(archive(dir, "m", "1", Map.of("workers", 1, "inferenceTimeout", "200ms")));
    Throwable cause = QueueTest.cause(server.predict("m", "hang"));
    assertInstanceOf(InferenceTimeoutException.class, cause);
    assertTrue(cause.getMessage().contains("inferenceTimeout 200ms"), cause.getMessage());
    assertEquals("v1:served", server.predictBlocking("m", "served"));
    awaitTrue("the stuck worker is gone", () -> server.describe("m").versions().get(0).workers().size() == 1);
  }

  @Test
  void unknownHandlerIsRejectedAtRegistration() {
    Path a = ModelArchive.builder("m", "1").handler("no-such-alias").writeDirectory(dir.resolve("x"));
    HandlerException e = assertThrows(HandlerException.class, () -> server.register(a));
    assertTrue(e.getMessage().contains("no-such-alias"), e.getMessage());
    Path b = ModelArchive.builder("m", "1").handler("com.example.Missing").writeDirectory(dir.resolve("y"));
    e = assertThrows(HandlerException.class, () -> server.register(b));
    assertTrue(e.getMessage().contains("not on the class path"), e.getMessage());
  }

  @Test
  void engineOptionsWithoutAnEngineAreAnError() {
    Path a = archive(dir, "m", "1", Map.of("engineOptions", Map.of("intraOpThreads", "1")));
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> server.register(a));
    assertTrue(e.getMessage().contains("names no engine"), e.getMessage());
  }

  @Test
  void aMissingEngineIsNamed() {
    Path a = ModelArchive.builder("m", "1").handler("test").engine("nosuchengine").writeDirectory(dir.resolve("e"));
    ServingException e = assertThrows(ServingException.class, () -> server.register(a));
    assertTrue(e.getMessage().contains("'nosuchengine' is not on the class path"), e.getMessage());
    assertSame(ServingException.class, e.getClass());
  }

  @Test
  void aHandlerClassRefusedByTheFilterIsNeverLoaded() {
    ModelServer strict = ModelServer.builder().handlerClassFilter(n -> n.startsWith("com.example.")).build();
    try {
      Path a = ModelArchive.builder("m", "1").handler(TestHandler.class.getName()).writeDirectory(dir.resolve("f"));
      HandlerException e = assertThrows(HandlerException.class, () -> strict.register(a));
      assertTrue(e.getMessage().contains("not allowed by this server's handlerClassFilter"), e.getMessage());
    } finally {
      strict.close();
    }
  }

  @Test
  void aManifestNamingANonHandlerClassIsRefused() {
    Path a = ModelArchive.builder("m", "1").handler("java.lang.Runtime").writeDirectory(dir.resolve("r"));
    HandlerException e = assertThrows(HandlerException.class, () -> server.register(a));
    assertTrue(e.getMessage().contains("is not a concrete dev.serving4j.Handler"), e.getMessage());
  }
}
