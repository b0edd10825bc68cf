package dev.serving4j;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12 items 9 and 12: a broken handler factory, declaration, hook or warm-up input fails with a
 * {@link HandlerException} naming the model and the handler, never a raw exception.
 */
class HandlerDeclarationFailureTest {
  @TempDir Path dir;

  private HandlerException registerFails(Supplier<? extends Handler<?, ?>> factory) {
    Path archive = ModelArchive.builder("m", "1").handler("broken").writeDirectory(dir.resolve("m"));
    try (ModelServer server = ModelServer.builder().handler("broken", factory)
        .restartBackoff(Duration.ofMillis(1), Duration.ofMillis(1)).build()) {
      HandlerException e = assertThrows(HandlerException.class, () -> server.register(archive));
      assertTrue(e.getMessage().contains("model 'm' version '1'"), e.getMessage());
      return e;
    }
  }

  @Test
  void aFactoryThatThrowsFailsRegisterNamingTheHandler() {
    HandlerException e = registerFails(() -> {
      throw new IllegalStateException("factory broke");
    });
    assertTrue(e.getMessage().contains("'broken'") && e.getMessage().contains("factory broke"), e.getMessage());
  }

  @Test
  void aFactoryThatReturnsNullFailsRegisterNamingTheHandler() {
    HandlerException e = registerFails(() -> null);
    assertTrue(e.getMessage().contains("'broken'") && e.getMessage().contains("null"), e.getMessage());
  }

  @Test
  void aNullInputTypeFailsRegisterInsteadOfEveryPredict() {
    HandlerException e = registerFails(() -> new EchoHandler() {
      @Override
      public Class<?> inputType() {
        return null;
      }
    });
    assertTrue(e.getMessage().contains("inputType()"), e.getMessage());
  }

  @Test
  void aNullWarmUpInputFailsRegisterSayingWarmUp() {
    HandlerException e = registerFails(() -> new EchoHandler() {
      @Override
      public List<Object> warmupInputs(HandlerContext context) {
        return Arrays.asList("ok", null);
      }
    });
    assertTrue(e.getMessage().contains("warm-up input 1"), e.getMessage());
  }

  @Test
  void aThrowingConstructorShowsItsRealCause() {
    Path archive = ModelArchive.builder("m", "1").handler(EchoHandler.Exploding.class)
        .writeDirectory(dir.resolve("m"));
    try (ModelServer server = ModelServer.builder().build()) {
      HandlerException e = assertThrows(HandlerException.class, () -> server.register(archive));

      assertInstanceOf(IllegalStateException.class, e.getCause());
      assertTrue(e.getMessage().contains("the constructor exploded on purpose"), e.getMessage());
    }
  }

  @Test
  void aThrowingBatchKeyHookIsAHandlerExceptionNamingTheHook() {
    Path archive = ModelArchive.builder("m", "1").handler("keyed").writeDirectory(dir.resolve("m"));
    try (ModelServer server = ModelServer.builder().handler("keyed", () -> new EchoHandler() {
      @Override
      public Object batchKey(Object input) {
        throw new IllegalStateException("batchKey bug");
      }
    }).build()) {
      server.register(archive);

      CompletionException e = assertThrows(CompletionException.class, () -> server.predict("m", "x").join());
      assertInstanceOf(HandlerException.class, e.getCause());
      assertTrue(e.getCause().getMessage().contains("batchKey()"), e.getCause().getMessage());
    }
  }
}
