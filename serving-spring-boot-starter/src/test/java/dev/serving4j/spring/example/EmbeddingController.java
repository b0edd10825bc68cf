package dev.serving4j.spring.example;

import dev.serving4j.ModelClient;
import java.util.concurrent.CompletableFuture;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** docs/spring-boot.md's example: a REST endpoint that embeds the posted text. */
@RestController
public class EmbeddingController {
  private final ModelClient<String, float[]> minilm;

  /**
   * Creates the controller.
   *
   * @param minilm the typed client of the {@code minilm} model (see {@link ModelClients})
   */
  public EmbeddingController(ModelClient<String, float[]> minilm) {
    this.minilm = minilm;
  }

  /**
   * Embeds {@code text}. Concurrent requests are batched onto the model's workers; returning the future keeps the
   * request thread free while the request waits in the queue.
   *
   * @param text the text to embed
   * @return its embedding
   */
  @PostMapping("/embed")
  public CompletableFuture<float[]> embed(@RequestBody String text) {
    return minilm.predict(text);
  }
}
