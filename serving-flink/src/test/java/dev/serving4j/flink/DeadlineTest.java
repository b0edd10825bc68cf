package dev.serving4j.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.serving4j.DeadlineExceededException;
import dev.serving4j.ModelArchive;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator's timeout is serving4j's deadline: a record Flink would time out leaves serving4j's queue unrun. */
class DeadlineTest {
  @TempDir
  Path directory;

  @Test
  void aRecordQueuedPastTheOperatorTimeoutExpiresWithoutRunning() {
    Path archive = ModelArchive.builder("gate", "1").handler(GateHandler.class)
        .config(Map.of("workers", 1, "maxBatchSize", 1)).writeZip(directory.resolve("gate.s4j"));
    ServingAsyncFunction<String, String> function = AsyncPredict.model(ArchiveSource.path(archive), String.class)
        .timeout(Duration.ofMillis(200)).function();
    try (SharedServers.Lease lease = SharedServers.acquire(ArchiveSource.path(archive), Map.of(),
        getClass().getClassLoader(), directory.resolve("cache"))) {
      CompletableFuture<Object> running = lease.predict("holds the only worker",
          function.predictOptions().withTimeout(Duration.ZERO));
      CompletableFuture<Object> queued = lease.predict("waits behind it", function.predictOptions());

      CompletionException expired = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
          queued::join);
      GateHandler.OPEN.countDown();
      assertEquals("holds the only worker", running.join());

      assertInstanceOf(DeadlineExceededException.class, expired.getCause());
      assertEquals(1, GateHandler.ITEMS.get(), "the expired record never reached the handler");
      assertEquals(1, lease.server().describe("gate").versions().get(0).counts().expired());
    }
  }
}
