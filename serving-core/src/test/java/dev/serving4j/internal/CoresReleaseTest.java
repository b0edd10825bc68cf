package dev.serving4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serving4j.Batch;
import dev.serving4j.Device;
import dev.serving4j.Handler;
import dev.serving4j.HandlerContext;
import dev.serving4j.ModelArchive;
import dev.serving4j.ModelConfig;
import dev.serving4j.spi.Engine;
import dev.serving4j.spi.EngineModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A batch stops counting as running once its outputs are in, before its callers are answered: a closed-loop
 * caller's next request, taken at once by another worker, runs alone with every core, not beside a batch that is
 * already over (which gave it one core: the one-thread session, 1.7x slower on the OCR recognizer).
 */
class CoresReleaseTest {
  @TempDir Path dir;
  final ServerResources resources = new ServerResources("cores-test", Duration.ofMillis(1), Duration.ofMillis(10),
      dev.serving4j.Ticker.system());
  /** The cores each batch was told it may use, in order. */
  final List<Integer> cores = new CopyOnWriteArrayList<>();
  final CountDownLatch secondStarted = new CountDownLatch(1);
  ModelVersion version;

  @AfterEach
  void close() {
    if (version != null) {
      version.close(Duration.ofSeconds(5));
    }
    resources.close();
  }

  /** Echoes; the second batch it sees counts {@link #secondStarted} down. */
  final class Echo implements Handler<String, String> {
    @Override
    public void initialize(HandlerContext context) {
      context.loadModel();
    }

    @Override
    public Object preprocess(Batch<String> batch) {
      if (cores.size() >= 2) {
        secondStarted.countDown();
      }
      return batch.inputs();
    }

    @Override
    public Object inference(Object pre, Batch<String> batch) {
      return pre;
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<String> postprocess(Object inferred, Batch<String> batch) {
      return (List<String>) inferred;
    }
  }

  /** An engine whose models record the cores each batch may use. */
  final class CoresEngine implements Engine {
    @Override
    public EngineModel load(Path modelFile, Device device, int workerId) {
      return new EngineModel() {
        @Override
        public Device device() {
          return device;
        }

        @Override
        public void coresForNextBatch(int n) {
          cores.add(n);
        }

        @Override
        public void close() {}
      };
    }

    @Override
    public void close() {}
  }

  @Test
  void theNextRequestSentFromTheAnswerRunsWithEveryCore() throws Exception {
    Path model = Files.write(dir.resolve("model.bin"), new byte[] {1});
    ModelArchive archive = ModelArchive.open(ModelArchive.builder("m", "1").handler("echo")
        .modelFile("model.bin", model).writeDirectory(dir.resolve("m")));
    int machine = Runtime.getRuntime().availableProcessors();
    version = new ModelVersion(archive, ModelConfig.DEFAULTS.with(b -> b.minWorkers(2).maxWorkers(2)), new CoresEngine(),
        Echo::new, resources, archive, ServerEvents.NONE);
    version.start().get(10, TimeUnit.SECONDS);
    CompletableFuture<Object> next = new CompletableFuture<>();
    CompletableFuture<Object> first = version.submit("first", null, 0);
    first.whenComplete((v, e) -> {
      // On the thread that answered, before its worker is done with the batch: send the next request and hold
      // this thread until another worker has started it.
      version.submit("second", null, 0).whenComplete((v2, e2) -> next.complete(v2));
      try {
        secondStarted.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
      }
    });
    assertEquals("second", next.get(10, TimeUnit.SECONDS));
    assertTrue(secondStarted.getCount() == 0, "the second request never reached another worker");
    assertEquals(List.of(machine, machine), cores, "the second batch saw the finished first one as running");
  }
}
