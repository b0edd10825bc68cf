package dev.serving4j.examples;

import com.sun.net.httpserver.HttpServer;
import dev.serving4j.ModelServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The embedding service with Prometheus metrics: serving4j's Micrometer meters published by a
 * {@link PrometheusMeterRegistry} and scraped from a small {@code /metrics} endpoint (the JDK's {@link HttpServer},
 * loopback only — examples only; serving4j itself has no HTTP layer).
 *
 * <p>Run: {@code ./mvnw -q -pl serving-examples exec:java -Ddemo.main=dev.serving4j.examples.PrometheusDemo
 * -Dexec.args="8080 60"} then {@code curl http://127.0.0.1:8080/metrics} (arguments: port, 0 = any free one; seconds
 * to keep serving after the load).
 */
public final class PrometheusDemo implements AutoCloseable {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final ModelServer server;
  private final HttpServer http;

  /** Registers MiniLM with a metered server and starts the endpoint on {@code port} (0 = any free port). */
  public PrometheusDemo(Path workDirectory, int port) throws IOException {
    server = ModelServer.builder().name("prometheus-demo").meterRegistry(registry).build();
    MiniLmFiles files = MiniLmFiles.copyTo(workDirectory);
    server.register(MiniLmArchive.writeZip(files, workDirectory.resolve("minilm.s4j")));
    http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    http.createContext("/metrics", exchange -> {
      byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    http.start();
  }

  /** The scrape address. */
  public String metricsUrl() {
    return "http://127.0.0.1:" + http.getAddress().getPort() + "/metrics";
  }

  /** Embeds {@code sentences} from {@code threads} client threads, so the meters have something to show. */
  public void load(List<String> sentences, int threads) {
    List<CompletableFuture<Void>> clients = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int first = t;
      clients.add(CompletableFuture.runAsync(() -> {
        for (int i = first; i < sentences.size(); i += threads) {
          server.predictBlocking(MiniLmArchive.NAME, sentences.get(i));
        }
      }, r -> new Thread(r, "client-" + first).start()));
    }
    CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).join();
  }

  @Override
  public void close() {
    http.stop(0);
    server.close();
    registry.close();
  }

  /** Runs the demo: {@code [port [seconds]]}. */
  public static void main(String[] args) throws Exception {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
    try (PrometheusDemo demo = new PrometheusDemo(Files.createTempDirectory("serving4j-prometheus-"), port)) {
      System.out.println("Scrape " + demo.metricsUrl());
      demo.load(Corpus.load().sentences().stream().limit(500).map(Corpus.Sentence::text).toList(), 16);
      System.out.println("Embedded 500 sentences from 16 threads; serving metrics for " + seconds + " s more");
      Thread.sleep(seconds * 1000L);
    }
  }
}
