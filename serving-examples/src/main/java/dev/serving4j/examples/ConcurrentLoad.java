package dev.serving4j.examples;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sends requests from many client threads at once, each thread calling and waiting, the way request threads of a
 * web application would; records every request's latency.
 *
 * <p>Request {@code i} embeds text {@code i % texts.size()} (texts beyond the request count are dropped). Threads take the next request number from a shared
 * counter, so every thread stays busy until the work runs out. The first failure stops every thread and is
 * rethrown: a demo that measures failures as throughput would lie.
 */
final class ConcurrentLoad {
  /** One blocking call: a text in, its vector out. Called from many threads at once. */
  @FunctionalInterface
  interface Embedder {
    float[] embed(String text) throws Exception;
  }

  private final List<String> texts;
  private final int requests;
  private final int threads;

  ConcurrentLoad(List<String> texts, int requests, int threads) {
    if (texts.isEmpty() || requests < 1 || threads < 1) {
      throw new IllegalArgumentException("need texts, requests >= 1 and threads >= 1; got " + texts.size()
          + " texts, " + requests + " requests, " + threads + " threads");
    }
    this.texts = List.copyOf(texts.subList(0, Math.min(texts.size(), requests))); // every text gets a vector
    this.requests = requests;
    this.threads = threads;
  }

  /** Requests per run. */
  int requests() {
    return requests;
  }

  /** Runs every request and returns what was measured; {@code progress} is told of each completion. */
  LoadResult run(String label, Embedder embedder, ProgressBar progress) throws Exception {
    long[] latencies = new long[requests];
    float[][] vectors = new float[texts.size()][];
    AtomicInteger next = new AtomicInteger();
    AtomicReference<Exception> failure = new AtomicReference<>();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> clients = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread client = new Thread(() -> {
        awaitQuietly(go);
        for (int i; failure.get() == null && (i = next.getAndIncrement()) < requests; ) {
          String text = texts.get(i % texts.size());
          long begin = System.nanoTime();
          try {
            float[] vector = embedder.embed(text);
            latencies[i] = System.nanoTime() - begin;
            vectors[i % texts.size()] = vector;
            progress.step();
          } catch (Exception e) {
            failure.compareAndSet(null, e);
          }
        }
      }, label + "-client-" + t);
      client.start();
      clients.add(client);
    }
    long start = System.nanoTime();
    go.countDown();
    for (Thread client : clients) {
      client.join();
    }
    long elapsed = System.nanoTime() - start;
    if (failure.get() != null) {
      throw failure.get();
    }
    return new LoadResult(label, latencies, elapsed, Arrays.asList(vectors));
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
