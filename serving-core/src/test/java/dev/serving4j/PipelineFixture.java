package dev.serving4j;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * A server with four stages for pipeline tests: {@code upper}, {@code wrap} ({@code [x]}), {@code line}
 * ({@code line:x}) and {@code second} (identity), on a fake clock the tests advance.
 */
final class PipelineFixture implements AutoCloseable {
  final AtomicLong clock = new AtomicLong();
  final StageHandler.Stage upper = new StageHandler.Stage(s -> s.toUpperCase(java.util.Locale.ROOT));
  final StageHandler.Stage wrap = new StageHandler.Stage(s -> "[" + s + "]");
  final StageHandler.Stage line = new StageHandler.Stage(s -> "line:" + s);
  final StageHandler.Stage second = new StageHandler.Stage(UnaryOperator.identity());
  /** Counted down each time a request is queued for model {@code line}. */
  volatile CountDownLatch lineQueued = new CountDownLatch(0);
  final ModelServer server;

  PipelineFixture(Path dir, Map<String, ?> lineConfig) {
    server = ModelServer.builder()
        .handler("upper", () -> new StageHandler(upper))
        .handler("wrap", () -> new StageHandler(wrap))
        .handler("line", () -> new StageHandler(line))
        .handler("second", () -> new StageHandler(second))
        .ticker(clock::get)
        .listener(new ServingEventListener() {
          @Override
          public void requestQueued(RequestQueued event) {
            if (event.model().equals("line")) {
              lineQueued.countDown();
            }
          }
        })
        .drainTimeout(Duration.ofSeconds(20))
        .build();
    register(dir, "upper", Map.of());
    register(dir, "wrap", Map.of());
    register(dir, "second", Map.of());
    register(dir, "line", lineConfig);
  }

  private void register(Path dir, String name, Map<String, ?> config) {
    server.register(ModelArchive.builder(name, "1").handler(name).config(config)
        .writeDirectory(dir.resolve(name)));
  }

  /** Advances the fake clock by {@code d}. */
  Runnable advance(Duration d) {
    return () -> clock.addAndGet(d.toNanos());
  }

  ModelDescription.Counts counts(String model) {
    return server.describe(model).versions().get(0).counts();
  }

  @Override
  public void close() {
    for (StageHandler.Stage s : new StageHandler.Stage[] {upper, wrap, line, second}) {
      s.release();
    }
    server.close();
  }
}
