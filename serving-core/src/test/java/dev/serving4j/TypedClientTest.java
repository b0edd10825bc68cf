package dev.serving4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 12 item 10: a typed client checks declared types at creation and outputs per call, never a raw cast. */
class TypedClientTest {
  @TempDir Path dir;
  private final ModelServer server = ModelServer.builder()
      .handler("echo", EchoHandler::new)
      .handler("strings", () -> new EchoHandler() {
        @Override
        public Class<?> inputType() {
          return String.class;
        }

        @Override
        public Class<?> outputType() {
          return String.class;
        }
      }).build();

  @AfterEach
  void close() {
    server.close();
  }

  private void register(String name, String handler) {
    server.register(ModelArchive.builder(name, "1").handler(handler).writeDirectory(dir.resolve(name)));
  }

  @Test
  void anOutputOfTheWrongTypeFailsTheCallWithOutputTypeException() {
    register("echo", "echo");
    ModelClient<Long, String> client = server.client("echo", Long.class, String.class);

    CompletionException e = assertThrows(CompletionException.class, () -> client.predict(1L).join());

    OutputTypeException cause = assertInstanceOf(OutputTypeException.class, e.getCause());
    assertTrue(cause.getMessage().contains("'echo'") && cause.getMessage().contains("java.lang.Long")
        && cause.getMessage().contains("java.lang.String"), cause.getMessage());
  }

  @Test
  void anInputTypeTheHandlerCanNeverTakeIsRefusedAtCreation() {
    register("s", "strings");

    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> server.client("s", Long.class, String.class));
    assertTrue(e.getMessage().contains("java.lang.String") && e.getMessage().contains("java.lang.Long"),
        e.getMessage());
  }

  @Test
  void aDeclaredOutputTypeThatCanNeverMatchIsRefusedAtCreation() {
    register("s", "strings");

    assertThrows(OutputTypeException.class, () -> server.client("s", String.class, Integer.class));
  }

  @Test
  void matchingTypesServeAsBefore() {
    register("s", "strings");

    assertEquals("x", server.client("s", String.class, CharSequence.class).predict("x").join());
  }
}
