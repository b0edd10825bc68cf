package dev.serving4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 13 §4: closing a server uses no shared pool and leaves no handler instance unclosed. */
class ServerCloseTest {
  @TempDir Path dir;

  @Test
  void everyVersionIsClosedOnTheThreadThatClosesTheServer() {
    Set<Thread> closers = ConcurrentHashMap.newKeySet();
    ModelServer server = ModelServer.builder().handler("echo", EchoHandler::new)
        .listener(new ServingEventListener() {
          @Override
          public void modelUnregistered(ModelEvent event) {
            closers.add(Thread.currentThread());
          }
        }).build();
    for (int i = 0; i < 8; i++) {
      server.register(ModelArchive.builder("m" + i, "1").handler("echo").writeDirectory(dir.resolve("m" + i)));
    }

    server.close();

    assertEquals(Set.of(Thread.currentThread()), closers, "versions were closed on other threads (a shared pool)");
  }

  @Test
  void theProbeHandlerAskedForItsDeclarationsIsClosedToo() {
    AtomicInteger created = new AtomicInteger();
    AtomicInteger closed = new AtomicInteger();
    ModelServer server = ModelServer.builder().handler("counted", () -> {
      created.incrementAndGet();
      return new EchoHandler() {
        @Override
        public void close() {
          closed.incrementAndGet();
        }
      };
    }).build();
    server.register(ModelArchive.builder("m", "1").handler("counted").writeDirectory(dir.resolve("m")));
    assertEquals("x", server.client("m", String.class, Object.class).predictBlocking("x"));

    server.close();

    assertEquals(created.get(), closed.get(), "handler instances created vs closed");
  }
}
