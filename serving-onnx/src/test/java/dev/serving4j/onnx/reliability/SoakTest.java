package dev.serving4j.onnx.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serving4j.ModelServer;
import dev.serving4j.onnx.Tensor;
import dev.serving4j.onnx.TensorHandler;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Soak: many requests on the tiny {@code matmul_add} model through a {@link ModelServer} and the {@code tensor}
 * handler, at concurrency 32. Checks every answer, that no native tensor is left open, and reports heap (after GC)
 * and RSS at 10% and 100% of the run and the median latency of the first and last 10%. Figures are reported, not
 * asserted, apart from a generous bound on heap growth. CI size 20,000; full size
 * ({@code -Dserving4j.reliability.full=true}) 1,000,000.
 */
class SoakTest {
  private static final int CONCURRENCY = 32;

  @TempDir Path dir;

  /** Heap after GC, direct buffers and resident set size, in MiB. */
  private record Memory(double heapMiB, double directMiB, double rssMiB) {
    static Memory now() throws InterruptedException {
      for (int i = 0; i < 3; i++) {
        System.gc();
        Thread.sleep(50);
      }
      double heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1048576.0;
      double direct = ManagementFactory.getPlatformMXBeans(java.lang.management.BufferPoolMXBean.class).stream()
          .filter(b -> b.getName().equals("direct")).mapToLong(b -> b.getMemoryUsed()).sum() / 1048576.0;
      return new Memory(heap, direct, rssKiB() / 1024.0);
    }

    private static long rssKiB() {
      try {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
          if (line.startsWith("VmRSS:")) {
            return Long.parseLong(line.replaceAll("[^0-9]", ""));
          }
        }
      } catch (IOException | NumberFormatException e) {
        // not Linux: report -1
      }
      return -1;
    }
  }

  @Test
  void aLongRunLeavesNoNativeTensorsAndReportsItsGrowth() throws Exception {
    int n = Boolean.getBoolean("serving4j.reliability.full") ? 1_000_000 : 20_000;
    OnnxFixtures.TrackedHandlers handlers = new OnnxFixtures.TrackedHandlers();
    long[] latencies = new long[n];
    LongAdder wrong = new LongAdder();
    LongAdder failed = new LongAdder();
    try (ModelServer server = ModelServer.builder().name("soak").meterRegistry(handlers.registry).handler("tracked-tensor", handlers::create)
        .build()) {
      server.register(OnnxFixtures.matmulArchive(dir, "tracked-tensor", Map.of("workers", 2, "maxBatchSize", 32,
          "engineOptions", Map.of("intraOpThreads", 1, "intraOpSpinning", false))));
      int tenth = n / 10;
      long start = System.nanoTime();
      run(server, 0, tenth, latencies, wrong, failed);
      Memory early = Memory.now();
      int tensorsEarly = handlers.liveTensors();
      run(server, tenth, n / 2, latencies, wrong, failed);
      Memory middle = Memory.now();
      run(server, n / 2, n, latencies, wrong, failed);
      Memory late = Memory.now();
      double seconds = (System.nanoTime() - start) / 1e9;
      int tensorsEnd = handlers.liveTensors();
      long p50First = median(Arrays.copyOfRange(latencies, 0, tenth));
      long p50Last = median(Arrays.copyOfRange(latencies, n - tenth, n));
      var counts = server.describe("mm").versions().get(0).counts();
      System.out.printf("SoakTest: requests=%d seconds=%.1f rate=%.0f/s meanBatch=%.1f failed=%d wrong=%d%n"
          + "  heap after GC MiB: at 10%% %.1f, at 100%% %.1f, growth %+.1f%n"
          + "  direct buffers MiB: at 10%% %.1f, at 100%% %.1f%n"
          + "  RSS MiB: at 10%% %.1f, at 50%% %.1f, at 100%% %.1f, growth %+.1f%n"
          + "  live native tensors: at 10%% %d, at 100%% %d%n"
          + "  latency p50 us: first 10%% %d, last 10%% %d, drift %+d%n",
          n, seconds, n / seconds, counts.meanBatchSize(), failed.sum(), wrong.sum(), early.heapMiB(),
          late.heapMiB(), late.heapMiB() - early.heapMiB(), early.directMiB(), late.directMiB(), early.rssMiB(),
          middle.rssMiB(), late.rssMiB(),
          late.rssMiB() - early.rssMiB(), tensorsEarly, tensorsEnd, p50First / 1000, p50Last / 1000,
          (p50Last - p50First) / 1000);
      assertEquals(0, failed.sum(), "failed requests");
      assertEquals(0, wrong.sum(), "wrong answers");
      assertEquals(0, tensorsEnd, "native tensors left open");
      assertTrue(late.heapMiB() - early.heapMiB() < 64, "heap grew by more than 64 MiB after GC");
    }
  }

  private static void run(ModelServer server, int from, int to, long[] latencies, LongAdder wrong,
      LongAdder failed) throws InterruptedException {
    Semaphore permits = new Semaphore(CONCURRENCY);
    CountDownLatch done = new CountDownLatch(to - from);
    for (int i = from; i < to; i++) {
      permits.acquire();
      float[] x = {i % 7, 1, (i % 3) - 1, 0.5f};
      int id = i;
      long t0 = System.nanoTime();
      TensorHandler.client(server, "mm").predict(Map.of("x", Tensor.of(x, 1, 4))).whenComplete((out, e) -> {
        latencies[id] = System.nanoTime() - t0;
        if (e != null) {
          failed.increment();
        } else if (id % 97 == 0) {
          try {
            assertArrayEquals(OnnxFixtures.expected(x), out.get("y").toFloatArray(), 1e-4f);
          } catch (AssertionError a) {
            wrong.increment();
          }
        }
        permits.release();
        done.countDown();
      });
    }
    assertTrue(done.await(30, TimeUnit.MINUTES), "requests never completed");
  }

  private static long median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
