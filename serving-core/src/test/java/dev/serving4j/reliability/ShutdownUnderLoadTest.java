package dev.serving4j.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serving4j.Batch;
import dev.serving4j.Handler;
import dev.serving4j.HandlerContext;
import dev.serving4j.ModelArchive;
import dev.serving4j.ModelServer;
import dev.serving4j.ServerClosedException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unregister, hot swap and close while 16 client threads hammer the server: routing carries on to the new version
 * without a single failed request, and {@code close()} completes every accepted future and returns within its drain
 * timeout, even when a handler never returns.
 */
class ShutdownUnderLoadTest {
  private static final int CLIENTS = 16;

  @TempDir Path dir;

  /** Answers {@code version + ":" + input}; an input "stuck" blocks, ignoring interrupts, until {@link #release}. */
  static final class Versioned implements Handler<String, String> {
    static final CountDownLatch release = new CountDownLatch(1);
    private String version;

    @Override
    public void initialize(HandlerContext context) {
      version = context.modelVersion();
    }

    @Override
    public Class<?> inputType() {
      return String.class;
    }

    @Override
    public Object preprocess(Batch<String> batch) {
      if (batch.inputs().contains("stuck")) {
        boolean released = false;
        while (!released) {
          try {
            released = release.await(60, TimeUnit.SECONDS);
          } catch (InterruptedException ignored) {
            // a handler that ignores interrupts: close must not wait for it
          }
        }
      }
      return batch.inputs();
    }

    @Override
    public Object inference(Object preprocessed, Batch<String> batch) {
      return preprocessed;
    }

    @Override
    public List<String> postprocess(Object inferred, Batch<String> batch) {
      return batch.inputs().stream().map(s -> version + ":" + s).toList();
    }
  }

  /** Client threads sending requests, each keeping up to 8 in flight, recording what comes back. */
  private static final class Load implements AutoCloseable {
    final AtomicBoolean stop = new AtomicBoolean();
    final ConcurrentLinkedQueue<CompletableFuture<Object>> futures = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    final Map<String, LongAdder> byVersion = new ConcurrentHashMap<>();
    final LongAdder succeeded = new LongAdder();
    final List<Thread> threads = new ArrayList<>();

    Load(ModelServer server) {
      for (int c = 0; c < CLIENTS; c++) {
        Thread t = new Thread(() -> run(server), "client-" + c);
        t.setDaemon(true);
        threads.add(t);
        t.start();
      }
    }

    private void run(ModelServer server) {
      Semaphore inFlight = new Semaphore(8);
      for (long i = 0; !stop.get(); i++) {
        inFlight.acquireUninterruptibly();
        CompletableFuture<Object> f = server.predict("m", "r" + i);
        futures.add(f);
        f.whenComplete((v, e) -> {
          inFlight.release();
          if (e == null) {
            succeeded.increment();
            byVersion.computeIfAbsent(((String) v).substring(0, ((String) v).indexOf(':')), k -> new LongAdder()).increment();
          } else {
            failures.add(e instanceof CompletionException ? e.getCause() : e);
          }
        });
      }
    }

    void awaitSucceeded(long count) throws InterruptedException {
      long target = succeeded.sum() + count;
      while (succeeded.sum() < target) {
        Thread.sleep(1);
      }
    }

    @Override
    public void close() throws InterruptedException {
      stop.set(true);
      for (Thread t : threads) {
        t.join(10_000);
      }
    }
  }

  private ModelServer server(String name, Duration drain) {
    return ModelServer.builder().name(name).handler("versioned", Versioned::new).drainTimeout(drain).build();
  }

  private ModelArchive archive(String version) {
    return ModelArchive.open(ModelArchive.builder("m", version).handler("versioned")
        .config(Map.of("workers", 2, "maxBatchSize", 16, "maxQueueSize", 10_000))
        .writeDirectory(dir.resolve("m-" + version)));
  }

  @Test
  @Timeout(180)
  void hotSwapsUnderLoadFailNoRequest() throws Exception {
    int swaps = Sizes.pick(10, 100);
    ModelServer server = server("swap", Duration.ofSeconds(30));
    List<ModelArchive> archives = new ArrayList<>();
    archives.add(archive("1"));
    server.register(archives.get(0));
    try (Load load = new Load(server)) {
      load.awaitSucceeded(1_000);
      for (int v = 2; v <= swaps + 1; v++) {
        archives.add(archive(Integer.toString(v)));
        server.register(archives.get(v - 1));
        server.setDefaultVersion("m", Integer.toString(v));
        assertTrue(server.unregister("m", Integer.toString(v - 1)), "version " + (v - 1) + " drained cleanly");
        load.awaitSucceeded(200);
      }
      load.close();
      assertEquals(List.of(), List.copyOf(load.failures).stream().map(Throwable::toString).limit(5).toList(),
          "requests failed during the swaps");
      System.out.printf("ShutdownUnderLoadTest: %d swaps, %d requests succeeded, 0 failed, by version %s%n", swaps,
          load.succeeded.sum(), load.byVersion.size() + " versions");
      assertEquals(List.of(Integer.toString(swaps + 1)), server.describe("m").versions().stream()
          .map(d -> d.version()).toList());
    } finally {
      server.close();
      archives.forEach(ModelArchive::close);
    }
    ChaosTest.awaitNoThreadsNamed("swap-");
  }

  @Test
  @Timeout(120)
  void closeUnderLoadCompletesEveryAcceptedFutureBeforeReturning() throws Exception {
    ModelServer server = server("closing", Duration.ofSeconds(30));
    try (ModelArchive archive = archive("1")) {
      server.register(archive);
      Load load = new Load(server);
      load.awaitSucceeded(Sizes.pick(5_000, 50_000));
      server.close();
      List<CompletableFuture<Object>> snapshot = List.copyOf(load.futures);
      load.close();
      assertTrue(snapshot.stream().allMatch(CompletableFuture::isDone), "a future accepted before close was not"
          + " complete when close returned");
      for (Throwable e : load.failures) {
        assertInstanceOf(ServerClosedException.class, e, "only requests refused after close may fail");
      }
      System.out.printf("ShutdownUnderLoadTest: close under load: %d succeeded, %d refused after close%n",
          load.succeeded.sum(), load.failures.size());
    }
    ChaosTest.awaitNoThreadsNamed("closing-");
  }

  @Test
  @Timeout(60)
  void closeReturnsWithinTheDrainTimeoutEvenWhenAHandlerNeverReturns() throws Exception {
    ModelServer server = server("stuck", Duration.ofMillis(500));
    try (ModelArchive archive = archive("1")) {
      server.register(archive);
      List<CompletableFuture<Object>> futures = new ArrayList<>();
      futures.add(server.predict("m", "stuck"));
      futures.add(server.predict("m", "stuck"));
      for (int i = 0; i < 100; i++) {
        futures.add(server.predict("m", "queued-" + i));
      }
      long start = System.nanoTime();
      server.close();
      long closeMillis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(closeMillis < 10_000, "close took " + closeMillis + " ms with a 500 ms drain timeout");
      for (CompletableFuture<Object> f : futures) {
        assertTrue(f.isDone(), "close returned before every accepted future completed");
      }
      assertInstanceOf(ServerClosedException.class, cause(futures.get(0)));
      System.out.printf("ShutdownUnderLoadTest: close with two stuck workers returned in %d ms%n", closeMillis);
    } finally {
      Versioned.release.countDown();
    }
    ChaosTest.awaitNoThreadsNamed("stuck-");
  }

  private static Throwable cause(CompletableFuture<?> f) {
    try {
      f.join();
      throw new AssertionError("expected a failure");
    } catch (CompletionException e) {
      return e.getCause();
    }
  }
}
