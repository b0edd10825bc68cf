package dev.serving4j.onnx;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shared session vs one session per worker, two workers, all-MiniLM-L6-v2, one sentence per batch. Prints figures,
 * asserts nothing about time. Run with:
 * {@code mvn -pl serving-onnx test -Dtest=SessionSharingBenchmark -Dserving4j.benchmark=true}
 * (output in target/surefire-reports/dev.serving4j.onnx.SessionSharingBenchmark-output.txt).
 */
@Tag("benchmark")
@EnabledIfSystemProperty(named = "serving4j.benchmark", matches = "true")
class SessionSharingBenchmark {
  private static final int WORKERS = 2;
  private static final int REQUESTS = 600;

  @TempDir
  Path dir;

  @Test
  void sharedVersusPerWorkerSessions() throws Exception {
    new MiniLm(dir).close();
    String[] texts = new String[REQUESTS];
    for (int i = 0; i < REQUESTS; i++) {
      texts[i] = MiniLm.SENTENCES[i % MiniLm.SENTENCES.length] + " (" + i + ")";
    }
    for (String threads : new String[] {"1", "2"}) {
      for (String perWorker : new String[] {"false", "true"}) {
        measure(Map.of("sessionPerWorker", perWorker, "intraOpThreads", threads, "intraOpSpinning", "false"),
            texts);
      }
    }
  }

  private void measure(Map<String, String> options, String[] texts) throws Exception {
    long rssBefore = rssKb();
    try (OnnxEngine engine = new OnnxEngine(new dev.serving4j.spi.EngineSpec("bench", "1", options,
        java.time.Duration.ZERO))) {
      List<EmbeddingHandler> handlers = new ArrayList<>();
      for (int w = 0; w < WORKERS; w++) {
        EmbeddingHandler h = new EmbeddingHandler();
        h.initialize(new TestContext(engine, dir.resolve(MiniLm.MODEL), Map.of()).withWorker(w));
        handlers.add(h);
      }
      long rssLoaded = rssKb();
      for (EmbeddingHandler h : handlers) {
        for (int i = 0; i < 20; i++) {
          TestBatch.run(h, TestBatch.of(texts[i]));
        }
      }
      AtomicInteger next = new AtomicInteger();
      CountDownLatch start = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
      List<Future<long[]>> latencies = new ArrayList<>();
      for (EmbeddingHandler h : handlers) {
        latencies.add(pool.submit(() -> {
          start.await();
          long[] lat = new long[REQUESTS];
          int n = 0;
          for (int i; (i = next.getAndIncrement()) < REQUESTS; ) {
            long t0 = System.nanoTime();
            TestBatch.run(h, TestBatch.of(texts[i]));
            lat[n++] = System.nanoTime() - t0;
          }
          return java.util.Arrays.copyOf(lat, n);
        }));
      }
      long t0 = System.nanoTime();
      start.countDown();
      long[] all = new long[0];
      for (Future<long[]> f : latencies) {
        long[] l = f.get();
        long[] merged = java.util.Arrays.copyOf(all, all.length + l.length);
        System.arraycopy(l, 0, merged, all.length, l.length);
        all = merged;
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      pool.shutdown();
      java.util.Arrays.sort(all);
      System.out.printf("%s: sessions=%d  %.0f req/s  p50 %.1f ms  p99 %.1f ms  RSS +%d MB after load%n", options,
          engine.openSessions(), REQUESTS / seconds, all[all.length / 2] / 1e6, all[all.length * 99 / 100] / 1e6,
          (rssLoaded - rssBefore) / 1024);
      for (EmbeddingHandler h : handlers) {
        h.close();
      }
    }
  }

  private static long rssKb() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return 0;
  }
}
