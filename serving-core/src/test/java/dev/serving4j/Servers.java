package dev.serving4j;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** Builds servers and archive directories for tests. */
final class Servers {
  private Servers() {}

  /** A server whose alias {@code test} creates {@link TestHandler}s sharing {@code probe}. */
  static ModelServer server(TestHandler.Probe probe) {
    return ModelServer.builder()
        .handler("test", () -> new TestHandler(probe))
        .restartBackoff(Duration.ofMillis(1), Duration.ofMillis(20))
        .drainTimeout(Duration.ofSeconds(20))
        .build();
  }

  /** Writes an archive directory for the {@code test} handler with the given config section. */
  static Path archive(Path root, String name, String version, Map<String, ?> config) {
    return ModelArchive.builder(name, version)
        .handler("test")
        .config(config)
        .writeDirectory(root.resolve(name + "-" + version));
  }

  /** Waits up to 20 s for {@code condition}, polling; fails the test if it never holds. */
  static void awaitTrue(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.onSpinWait();
      Thread.yield();
    }
  }
}
