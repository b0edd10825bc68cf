package dev.serving4j;

import static dev.serving4j.QueueTest.cause;
import static dev.serving4j.Servers.archive;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A caller's future cannot be completed around serving4j's accounting: every completing method of
 * {@link CompletableFuture} either goes through it (so the outcome is counted and {@code close()} drains) or is
 * refused. Each test works on a request queued behind a held worker.
 */
class RequestFutureClaimTest {
  @TempDir Path dir;
  final TestHandler.Probe probe = new TestHandler.Probe("v1");
  final ModelServer server = Servers.server(probe);
  CompletableFuture<Object> held;

  @BeforeEach
  void holdTheWorker() throws InterruptedException {
    server.register(archive(dir, "m", "1", Map.of("workers", 1)));
    probe.close();
    held = server.predict("m", "held");
    assertTrue(probe.entered.await(10, TimeUnit.SECONDS));
  }

  @AfterEach
  void closeServer() {
    probe.open();
    server.close();
  }

  @Test
  void obtrudeValueAndObtrudeExceptionAreRefusedAndTheRequestStillRuns() throws Exception {
    CompletableFuture<Object> f = server.predict("m", "queued");
    assertThrows(UnsupportedOperationException.class, () -> f.obtrudeValue("forged"));
    UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
        () -> f.obtrudeException(new IllegalStateException("forged")));
    assertTrue(e.getMessage().contains("obtrudeException is not supported"), e.getMessage());
    assertFalse(f.isDone());
    probe.open();
    assertEquals("v1:queued", f.get(10, TimeUnit.SECONDS));
    assertTrue(server.unregister("m", "1", Duration.ofSeconds(10)), "the version drained");
  }

  @Test
  void completeAsyncIsCountedAndTheVersionStillDrains() throws Exception {
    CompletableFuture<Object> f = server.predict("m", "queued");
    f.completeAsync(() -> "the caller's own", Runnable::run);
    assertEquals("the caller's own", f.get(10, TimeUnit.SECONDS));
    assertEquals(1, counts().succeeded(), "counted as soon as the caller sees it");
    probe.open();
    assertEquals("v1:held", held.get(10, TimeUnit.SECONDS));
    assertTrue(server.unregister("m", "1", Duration.ofSeconds(10)), "the version drained");
  }

  @Test
  void aFailingCompleteAsyncSupplierFailsTheRequestThroughTheClaim() {
    CompletableFuture<Object> f = server.predict("m", "queued");
    f.completeAsync(() -> {
      throw new IllegalStateException("supplier failed");
    }, Runnable::run);
    assertInstanceOf(IllegalStateException.class, cause(f));
    assertEquals(1, counts().failed());
    probe.open();
    assertTrue(server.unregister("m", "1", Duration.ofSeconds(10)), "the version drained");
  }

  @Test
  void completeOnTimeoutAndOrTimeoutAreCountedAndTheVersionStillDrains() throws Exception {
    CompletableFuture<Object> late = server.predict("m", "late");
    CompletableFuture<Object> bounded = server.predict("m", "bounded");
    late.completeOnTimeout("default", 1, TimeUnit.MILLISECONDS);
    bounded.orTimeout(1, TimeUnit.MILLISECONDS);
    assertEquals("default", late.get(10, TimeUnit.SECONDS));
    assertInstanceOf(TimeoutException.class, cause(bounded));
    assertEquals(1, counts().succeeded());
    assertEquals(1, counts().failed());
    probe.open();
    assertEquals("v1:held", held.get(10, TimeUnit.SECONDS));
    assertTrue(server.unregister("m", "1", Duration.ofSeconds(10)), "the version drained");
  }

  private ModelDescription.Counts counts() {
    return server.describe("m").versions().get(0).counts();
  }
}
