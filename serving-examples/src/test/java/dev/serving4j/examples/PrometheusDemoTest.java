package dev.serving4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scrapes the example's loopback /metrics endpoint after a known workload. */
class PrometheusDemoTest {
  @TempDir Path dir;

  @Test
  void theScrapeShowsServing4jSeriesWithTheModelsTags() throws Exception {
    try (PrometheusDemo demo = new PrometheusDemo(dir, 0)) {
      List<String> sentences = Corpus.load().sentences().stream().limit(40).map(Corpus.Sentence::text).toList();
      demo.load(sentences, 4);
      HttpResponse<String> response = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(demo.metricsUrl())).GET().build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, response.statusCode());
      String body = response.body();
      for (String series : List.of("serving4j_request_latency_seconds_count", "serving4j_queue_wait_seconds_count",
          "serving4j_handler_time_seconds_count", "serving4j_batch_size_requests_count", "serving4j_queue_depth_requests", "serving4j_inflight_requests",
          "serving4j_workers{")) {
        assertTrue(body.contains(series), series + " missing from:\n" + body);
      }
      Matcher m = Pattern.compile("serving4j_requests_total\\{[^}]*model=\"minilm\"[^}]*outcome=\"success\"[^}]*} ([0-9.eE+]+)")
          .matcher(body);
      assertTrue(m.find(), "no success counter for minilm in:\n" + body);
      // Warmup runs outside the queue, so exactly the 40 calls are counted.
      assertEquals(40.0, Double.parseDouble(m.group(1)));
    }
  }
}
