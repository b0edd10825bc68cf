package dev.serving4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 12 items 7 and 12: a huge duration means "no deadline", a negative one is refused, neither overflows. */
class DurationOverflowTest {
  private static final Duration HUGE = Duration.ofSeconds(Long.MAX_VALUE);

  @TempDir Path dir;

  private Path echo() {
    return ModelArchive.builder("m", "1").handler("echo").config(Map.of()).writeDirectory(dir.resolve("m"));
  }

  private static ModelServer.Builder builder(String name) {
    return ModelServer.builder().name(name).handler("echo", EchoHandler::new);
  }

  @Test
  void aForeverPredictTimeoutMeansNoDeadlineInsteadOfThrowing() {
    try (ModelServer server = builder("forever-timeout").build()) {
      server.register(echo());

      assertEquals("a", server.predict("m", "a", PredictOptions.ofTimeout(ChronoUnit.FOREVER.getDuration())).join());
      assertEquals("b", server.predict("m", "b", PredictOptions.ofTimeout(HUGE)).join());
      assertEquals(Duration.ZERO, PredictOptions.ofTimeout(HUGE).timeout());
    }
  }

  @Test
  void aHugeStartupTimeoutStillRegisters() {
    try (ModelServer server = builder("huge-startup").startupTimeout(HUGE).build()) {
      assertEquals("m", server.register(echo()).name());
    }
  }

  @Test
  void closeWithAHugeDrainTimeoutReturnsAndStopsTheTimerThread() throws InterruptedException {
    ModelServer server = builder("huge-drain").drainTimeout(HUGE).build();
    server.register(echo());

    server.close();

    for (Thread t : timerThreads("huge-drain-timer")) {
      t.join();
    }
    assertTrue(timerThreads("huge-drain-timer").isEmpty());
  }

  @Test
  void unregisterWithAHugeTimeoutDrainsAndReturnsTrue() {
    try (ModelServer server = builder("huge-unregister").build()) {
      server.register(echo());

      assertTrue(server.unregister("m", "1", HUGE));
      assertEquals(List.of(), server.models());
    }
  }

  @Test
  void unregisterWithANegativeTimeoutIsRefusedAndKeepsTheModel() {
    try (ModelServer server = builder("negative-unregister").build()) {
      server.register(echo());

      InvalidConfigException e = assertThrows(InvalidConfigException.class,
          () -> server.unregister("m", "1", Duration.ofSeconds(-1)));
      assertTrue(e.getMessage().contains("unregister timeout"), e.getMessage());
      assertEquals(List.of("m"), server.models());
    }
  }

  @Test
  void negativeDurationsAreRefusedWhereTheyAreSet() {
    assertThrows(InvalidConfigException.class, () -> ModelServer.builder().drainTimeout(Duration.ofMillis(-1)));
    assertThrows(InvalidConfigException.class, () -> ModelServer.builder().startupTimeout(Duration.ofMillis(-1)));
    assertThrows(InvalidConfigException.class, () -> PredictOptions.ofTimeout(Duration.ofMillis(-1)));
  }

  private static List<Thread> timerThreads(String name) {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name) && t.isAlive()).toList();
  }
}
