package dev.serving4j.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serving4j.ArchiveException;
import dev.serving4j.ModelArchive;
import dev.serving4j.PredictOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JVM-wide, reference-counted servers that subtasks share, without Flink. */
class SharedServersTest {
  private static final ClassLoader LOADER = SharedServersTest.class.getClassLoader();

  @TempDir
  Path directory;
  private Path archive;

  @BeforeEach
  void writeArchive() {
    archive = ModelArchive.builder("ids", "1").handler(IdHandler.class).writeZip(directory.resolve("ids.s4j"));
  }

  @AfterEach
  void noServerOutlivesItsLeases() {
    assertEquals(0, SharedServers.liveServers());
  }

  private SharedServers.Lease lease(ArchiveSource source, Map<String, ?> overrides) {
    return SharedServers.acquire(source, overrides, LOADER, directory.resolve("cache"));
  }

  @Test
  void subtasksOfOneArchiveShareOneServerUntilTheLastCloses() {
    SharedServers.Lease first = lease(ArchiveSource.path(archive), Map.of());
    SharedServers.Lease second = lease(ArchiveSource.path(archive), Map.of());
    assertSame(first.server(), second.server());

    first.close();
    first.close();
    assertEquals(1, SharedServers.liveServers(), "closing a lease twice releases it once");
    assertEquals("id:7", second.predict(7L, PredictOptions.DEFAULTS).join());
    second.close();
  }

  @Test
  void aPathAndTheSameBytesShippedWithTheJobAreOneArchive() {
    try (SharedServers.Lease fromPath = lease(ArchiveSource.path(archive), Map.of());
        SharedServers.Lease fromBytes = lease(ArchiveSource.bytes(archive), Map.of())) {
      assertEquals(fromPath.identity(), fromBytes.identity());
      assertSame(fromPath.server(), fromBytes.server());
      assertEquals("ids", fromPath.identity().name());
      assertEquals(64, fromPath.identity().sha256().length());
    }
  }

  @Test
  void differentConfigOverridesGetTheirOwnServer() {
    try (SharedServers.Lease plain = lease(ArchiveSource.path(archive), Map.of());
        SharedServers.Lease tuned = lease(ArchiveSource.path(archive), Map.of("maxBatchSize", 4))) {
      assertNotSame(plain.server(), tuned.server());
      assertEquals(4, tuned.server().describe("ids").versions().get(0).config().maxBatchSize());
    }
  }

  @Test
  void aMissingArchiveIsATypedErrorNamingWhere() {
    ArchiveException path = assertThrows(ArchiveException.class,
        () -> lease(ArchiveSource.path(directory.resolve("absent.s4j")), Map.of()));
    assertTrue(path.getMessage().contains("absent.s4j"), path.getMessage());
    ArchiveException resource = assertThrows(ArchiveException.class,
        () -> lease(ArchiveSource.classpath("/absent.s4j"), Map.of()));
    assertTrue(resource.getMessage().contains("absent.s4j"), resource.getMessage());
  }

  @Test
  void theOperatorTimeoutBecomesServingsDeadlineKeepingTheOtherOptions() {
    ServingAsyncFunction<Long, String> function = AsyncPredict.model(ArchiveSource.path(archive), String.class)
        .timeout(Duration.ofMillis(750)).options(PredictOptions.ofVersion("1").withPriority(0).withKey("user-3"))
        .function();
    assertEquals(new PredictOptions("1", Duration.ofMillis(750), 0, "user-3"), function.predictOptions());
  }
}
