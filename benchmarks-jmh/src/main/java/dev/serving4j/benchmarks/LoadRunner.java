package dev.serving4j.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Drives load at something that answers inputs, and records each request's latency in microseconds.
 *
 * <p><b>Closed loop</b>: {@code concurrency} client threads each send a request and wait for it, the way request
 * threads of a web application do; throughput is whatever the system under test sustains. <b>Open loop</b>: requests
 * arrive at a Poisson rate whatever happens to earlier ones, and latency counts from each request's scheduled arrival
 * (so a stall is not hidden by the sender also stalling: no coordinated omission). Request {@code i} sends input
 * {@code i % inputs.size()}. Failures are counted, not thrown: the error rate is part of the report. A request that
 * carries a deadline (its {@code call} passes {@code PredictOptions.ofTimeout}) and misses it is such a failure;
 * {@link Outcome#goodput} counts only the answers within a target.
 */
final class LoadRunner {
  private LoadRunner() {}

  /** A blocking call. */
  @FunctionalInterface
  interface Call<T> {
    Object call(T input) throws Exception;
  }

  /**
   * What one run measured.
   *
   * @param latencyMicros each completed request's latency
   * @param elapsedNanos wall time from the first request to the last completion
   * @param errors requests that failed
   */
  record Outcome(Histogram latencyMicros, long elapsedNanos, int errors) {
    /** Successful requests per second of wall time. */
    double throughput() {
      return latencyMicros.getTotalCount() / (elapsedNanos / 1e9);
    }

    /**
     * Goodput: requests answered within {@code targetMillis} (of their scheduled arrival, in open loop) per second
     * of wall time. Failures (an early drop, an expired deadline) never count.
     */
    double goodput(double targetMillis) {
      long within = latencyMicros.getCountBetweenValues(0, (long) (targetMillis * 1e3));
      return within / (elapsedNanos / 1e9);
    }

    /** The latency at {@code percentile} in milliseconds. */
    double latencyMillis(double percentile) {
      return latencyMicros.getValueAtPercentile(percentile) / 1e3;
    }

    /** This run and {@code other} as one: histograms added, wall times summed. */
    Outcome plus(Outcome other) {
      Histogram sum = latencyMicros.copy();
      sum.add(other.latencyMicros);
      return new Outcome(sum, elapsedNanos + other.elapsedNanos, errors + other.errors);
    }

    /** Failed / all requests. */
    double errorRate() {
      long all = latencyMicros.getTotalCount() + errors;
      return all == 0 ? 0 : (double) errors / all;
    }
  }

  /** Sends {@code requests} requests from {@code concurrency} threads, each waiting for its answer. */
  static <T> Outcome closedLoop(List<T> inputs, int concurrency, int requests, Call<T> call, Runnable onEach)
      throws InterruptedException {
    Recorder recorder = new Recorder(3);
    AtomicInteger next = new AtomicInteger();
    AtomicInteger errors = new AtomicInteger();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> clients = new ArrayList<>();
    for (int t = 0; t < concurrency; t++) {
      Thread client = new Thread(() -> {
        awaitQuietly(go);
        for (int i; (i = next.getAndIncrement()) < requests; ) {
          long begin = System.nanoTime();
          try {
            call.call(inputs.get(i % inputs.size()));
            recorder.recordValue(Math.max(1, (System.nanoTime() - begin) / 1_000));
          } catch (Exception e) {
            errors.incrementAndGet();
          }
          onEach.run();
        }
      }, "load-client-" + t);
      client.setDaemon(true);
      client.start();
      clients.add(client);
    }
    long start = System.nanoTime();
    go.countDown();
    for (Thread client : clients) {
      client.join();
    }
    return new Outcome(recorder.getIntervalHistogram(), System.nanoTime() - start, errors.get());
  }

  /**
   * Sends {@code requests} requests at Poisson arrivals averaging {@code ratePerSecond}, without waiting for
   * answers; {@code call} starts one request and returns its future.
   */
  static <T> Outcome openLoop(List<T> inputs, double ratePerSecond, int requests,
      Function<T, CompletableFuture<?>> call, Runnable onEach, long seed) {
    Recorder recorder = new Recorder(3);
    AtomicInteger errors = new AtomicInteger();
    SplittableRandom random = new SplittableRandom(seed);
    CompletableFuture<?>[] pending = new CompletableFuture<?>[requests];
    long start = System.nanoTime();
    double offsetNanos = 0;
    for (int i = 0; i < requests; i++) {
      offsetNanos += -Math.log(1 - random.nextDouble()) / ratePerSecond * 1e9;
      long scheduled = start + (long) offsetNanos;
      for (long wait; (wait = scheduled - System.nanoTime()) > 0; ) {
        LockSupport.parkNanos(wait);
      }
      CompletableFuture<?> future;
      try {
        future = call.apply(inputs.get(i % inputs.size()));
      } catch (RuntimeException e) {
        future = CompletableFuture.failedFuture(e);
      }
      pending[i] = future.whenComplete((value, error) -> {
        if (error == null) {
          recorder.recordValue(Math.max(1, (System.nanoTime() - scheduled) / 1_000));
        } else {
          errors.incrementAndGet();
        }
        onEach.run();
      });
    }
    CompletableFuture.allOf(pending).exceptionally(e -> null).join();
    return new Outcome(recorder.getIntervalHistogram(), System.nanoTime() - start, errors.get());
  }

  /** A pool for open-loop load on blocking implementations: enough threads that the pool is never the limit. */
  static ExecutorService blockingPool() {
    return Executors.newFixedThreadPool(256, r -> {
      Thread t = new Thread(r, "load-blocking");
      t.setDaemon(true);
      return t;
    });
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Shuts a pool down and waits briefly. */
  static void shutdown(ExecutorService pool) throws InterruptedException {
    pool.shutdown();
    pool.awaitTermination(10, TimeUnit.SECONDS);
  }
}
