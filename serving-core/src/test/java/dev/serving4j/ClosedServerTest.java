package dev.serving4j;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Issue 12 item 11: after close, the facade says the server is closed, not that the model is unknown. */
class ClosedServerTest {
  @TempDir Path dir;

  @Test
  void afterCloseEveryManagementCallThrowsServerClosedException() {
    Path archive = ModelArchive.builder("m", "1").handler("echo").writeDirectory(dir.resolve("m"));
    ModelServer server = ModelServer.builder().handler("echo", EchoHandler::new).build();
    server.register(archive);
    server.close();

    Map<String, Executable> calls = Map.ofEntries(
        Map.entry("describe", () -> server.describe("m")),
        Map.entry("scaleWorkers", () -> server.scaleWorkers("m", "1", 1, 2)),
        Map.entry("reload", () -> server.reload(archive)),
        Map.entry("setDefaultVersion", () -> server.setDefaultVersion("m", "1")),
        Map.entry("setTrafficSplit", () -> server.setTrafficSplit("m", Map.of("1", 1))),
        Map.entry("setShadow", () -> server.setShadow("m", "1", 0.5)),
        Map.entry("clearShadow", () -> server.clearShadow("m")),
        Map.entry("unregister(name)", () -> server.unregister("m")),
        Map.entry("unregister(name, version)", () -> server.unregister("m", "1")),
        Map.entry("client", () -> server.client("m", String.class, String.class)),
        Map.entry("writeSnapshot", () -> server.writeSnapshot(dir.resolve("snapshot.json"))),
        Map.entry("register", () -> server.register(archive)));
    calls.forEach((name, call) -> assertThrows(ServerClosedException.class, call, name));
  }
}
