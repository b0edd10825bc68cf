package dev.serving4j.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serving4j.Batch;
import dev.serving4j.Handler;
import dev.serving4j.HandlerException;
import dev.serving4j.ModelArchive;
import dev.serving4j.ModelServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A manifest may name a handler class; only a concrete {@link Handler} with a public no-argument constructor that
 * the server's {@code handlerClassFilter} allows is ever instantiated. Anything else is refused with a
 * {@link HandlerException} naming the class, and its static initializer never runs (each class below records its
 * initialization in {@link #INITIALIZED}).
 */
class HandlerClassLoadingTest {
  /** Simple names of the classes below whose static initializer ran. Test-only static state. */
  static final Set<String> INITIALIZED = ConcurrentHashMap.newKeySet();
  private static final String PREFIX = HandlerClassLoadingTest.class.getName() + "$";

  @TempDir Path dir;
  private final RecordingLoader loader = new RecordingLoader(getClass().getClassLoader());
  private final ModelServer server = ModelServer.builder().name("classes").classLoader(loader)
      .handlerClassFilter(name -> !name.endsWith("$Refused")).build();

  @AfterEach
  void closeServer() {
    server.close();
  }

  /** Not a handler at all. */
  public static final class NotAHandler {
    static {
      INITIALIZED.add("NotAHandler");
    }
  }

  /** A handler nobody can construct. */
  public static final class NoPublicConstructor extends Echo {
    static {
      INITIALIZED.add("NoPublicConstructor");
    }

    private NoPublicConstructor() {}
  }

  /** A handler that cannot be instantiated. */
  public abstract static class AbstractHandler extends Echo {
    static {
      INITIALIZED.add("AbstractHandler");
    }
  }

  /** A fine handler that this server's filter refuses. */
  public static final class Refused extends Echo {
    static {
      INITIALIZED.add("Refused");
    }
  }

  /** The positive control: allowed, concrete, public no-argument constructor. */
  public static final class Allowed extends Echo {
    static {
      INITIALIZED.add("Allowed");
    }
  }

  /** A handler interface extension: not concrete. */
  public interface HandlerInterface extends Handler<String, String> {}

  @ParameterizedTest
  @ValueSource(strings = {"NotAHandler", "NoPublicConstructor", "AbstractHandler", "Refused", "HandlerInterface"})
  void aManifestNamingAnUnfitClassIsRefusedWithoutRunningItsStaticInitializer(String simpleName) {
    String name = PREFIX + simpleName;
    HandlerException e = assertThrows(HandlerException.class, () -> server.register(archive(name)));
    assertTrue(e.getMessage().contains("'" + name + "'"), e.getMessage());
    assertFalse(INITIALIZED.contains(simpleName), simpleName + "'s static initializer ran");
    assertEquals(List.of(), server.models());
  }

  @Test
  void aClassRefusedByTheFilterIsNeverEvenLoaded() {
    String name = PREFIX + "Refused";
    HandlerException e = assertThrows(HandlerException.class, () -> server.register(archive(name)));
    assertTrue(e.getMessage().contains("handlerClassFilter"), e.getMessage());
    assertFalse(loader.requested.contains(name), "the refused class was handed to the class loader");
  }

  @ParameterizedTest
  @ValueSource(strings = {"java.lang.Runtime", "java.lang.ProcessBuilder", "java.lang.System", "dev.serving4j.Handler",
      "javax.script.ScriptEngineManager", "com.example.NotOnTheClassPath"})
  void aManifestNamingAJdkOrUnknownClassIsRefused(String name) {
    HandlerException e = assertThrows(HandlerException.class, () -> server.register(archive(name)));
    assertTrue(e.getMessage().contains("'" + name + "'"), e.getMessage());
  }

  @Test
  void anAllowedHandlerClassIsInitializedAndServes() {
    server.register(archive(PREFIX + "Allowed"));
    assertTrue(INITIALIZED.contains("Allowed"), "the positive control proves the flag works");
    assertEquals("echo:hi", server.predictBlocking("m", "hi"));
  }

  private Path archive(String handler) {
    return ModelArchive.builder("m", "1").handler(handler).writeDirectory(dir.resolve("m-" + System.nanoTime()));
  }

  /** Echoes its inputs; the base of the classes above. */
  public static class Echo implements Handler<String, String> {
    @Override
    public Class<?> inputType() {
      return String.class;
    }

    @Override
    public Object preprocess(Batch<String> batch) {
      return batch.inputs();
    }

    @Override
    public Object inference(Object preprocessed, Batch<String> batch) {
      return preprocessed;
    }

    @Override
    public List<String> postprocess(Object inferred, Batch<String> batch) {
      return batch.inputs().stream().map(s -> "echo:" + s).toList();
    }
  }

  /** Delegates to its parent and records every class name it is asked for. */
  static final class RecordingLoader extends ClassLoader {
    final Set<String> requested = ConcurrentHashMap.newKeySet();

    RecordingLoader(ClassLoader parent) {
      super(parent);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      requested.add(name);
      return super.loadClass(name, resolve);
    }
  }
}
