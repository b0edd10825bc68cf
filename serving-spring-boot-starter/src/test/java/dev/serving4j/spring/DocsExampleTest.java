package dev.serving4j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serving4j.spring.example.EmbeddingController;
import dev.serving4j.spring.example.ModelClients;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example in docs/spring-boot.md compiles and answers, with a stand-in handler for the model. */
class DocsExampleTest {
  @TempDir
  Path work;

  @Test
  void theControllerAnswersThroughItsTypedClient() {
    StarterFixture.runner()
        .withPropertyValues("serving4j.models.minilm.archive=" + StarterFixture.archive(work, "minilm"))
        .withUserConfiguration(ModelClients.class, EmbeddingController.class)
        .run(context -> assertThat(context.getBean(EmbeddingController.class).embed("four").join())
            .containsExactly(4f));
  }
}
