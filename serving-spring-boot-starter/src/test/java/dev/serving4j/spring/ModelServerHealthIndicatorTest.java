package dev.serving4j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

class ModelServerHealthIndicatorTest {
  @TempDir
  Path work;

  @Test
  void reportsEachVersionsReadyWorkersAndQueueDepth() {
    StarterFixture.runner()
        .withPropertyValues("serving4j.models.minilm.archive=" + StarterFixture.archive(work, "minilm"),
            "serving4j.models.minilm.config.workers=2")
        .run(context -> {
          Health health = context.getBean("serving4jHealthIndicator", ModelServerHealthIndicator.class).health();
          assertThat(health.getStatus()).isEqualTo(Status.UP);
          Map<String, Object> model = map(map(health.getDetails().get("models")).get("minilm"));
          Map<String, Object> version = map(map(model.get("versions")).get("1"));
          assertThat(version).containsEntry("queueDepth", 0).containsEntry("loaded", true)
              .containsEntry("workers", 2).containsKey("readyWorkers");
        });
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object details) {
    return (Map<String, Object>) details;
  }

  @Test
  void canBeSwitchedOffLikeAnyHealthIndicator() {
    StarterFixture.runner().withPropertyValues("management.health.serving4j.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(ModelServerHealthIndicator.class));
  }
}
