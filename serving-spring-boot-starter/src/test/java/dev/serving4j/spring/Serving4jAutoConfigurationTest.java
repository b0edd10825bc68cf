package dev.serving4j.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serving4j.InvalidConfigException;
import dev.serving4j.ModelServer;
import dev.serving4j.ServerClosedException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class Serving4jAutoConfigurationTest {
  @TempDir
  Path work;

  private ApplicationContextRunner withModel(String... extra) {
    String[] properties = new String[extra.length + 1];
    properties[0] = "serving4j.models.minilm.archive=" + StarterFixture.archive(work, "minilm");
    System.arraycopy(extra, 0, properties, 1, extra.length);
    return StarterFixture.runner().withPropertyValues(properties);
  }

  @Test
  void aModelNamedInPropertiesIsRegisteredAndServes() {
    withModel().run(context -> {
      ModelServer server = context.getBean(ModelServer.class);
      assertThat(server.models()).containsExactly("minilm");
      float[] vector = server.client("minilm", String.class, float[].class).predict("hello").join();
      assertThat(vector).containsExactly(5f);
    });
  }

  @Test
  void configPropertiesOverrideTheArchivesConfig() {
    withModel("serving4j.models.minilm.config.max-batch-size=4", "serving4j.models.minilm.config.maxBatchDelay=3ms",
        "serving4j.models.minilm.config.batching-mode=FIXED_DELAY",
        "serving4j.models.minilm.handler-properties.maxLength=128").run(context -> {
          var config = context.getBean(ModelServer.class).describe("minilm").versions().get(0).config();
          assertThat(config.maxBatchSize()).isEqualTo(4);
          assertThat(config.maxBatchDelay()).hasMillis(3);
          assertThat(config.batchingMode().name()).isEqualTo("FIXED_DELAY");
          assertThat(config.handlerProperties()).containsEntry("maxLength", "128");
        });
  }

  @Test
  void aBadConfigValueFailsStartupNamingTheModelAndTheField() {
    withModel("serving4j.models.minilm.config.max-batch-size=many").run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).hasRootCauseInstanceOf(InvalidConfigException.class)
          .hasStackTraceContaining("serving4j.models.minilm: maxBatchSize must be a whole number, was String many");
    });
  }

  @Test
  void anUnknownConfigFieldFailsStartup() {
    withModel("serving4j.models.minilm.config.max-batch=4").run(context -> assertThat(context.getStartupFailure())
        .hasStackTraceContaining("serving4j.models.minilm: unknown config field 'maxBatch'"));
  }

  @Test
  void aModelWithoutAnArchiveFailsStartup() {
    StarterFixture.runner().withPropertyValues("serving4j.models.minilm.config.workers=1")
        .run(context -> assertThat(context.getStartupFailure()).rootCause()
            .hasMessageContaining("serving4j.models.minilm.archive is required"));
  }

  @Test
  void anArchiveOfAnotherModelFailsStartupNamingBoth() {
    StarterFixture.runner()
        .withPropertyValues("serving4j.models.mini.archive=" + StarterFixture.archive(work, "minilm"))
        .run(context -> assertThat(context.getStartupFailure()).rootCause()
            .hasMessageContaining("holds model 'minilm', not 'mini'"));
  }

  @Test
  void theApplicationsOwnModelServerWins() {
    ModelServer own = ModelServer.builder().build();
    withModel().withBean(ModelServer.class, () -> own).run(context -> {
      assertThat(context).getBean(ModelServer.class).isSameAs(own);
      assertThat(own.models()).isEmpty();
    });
  }

  @Test
  void theServerPublishesItsMetersToTheApplicationsRegistry() {
    withModel().withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
      context.getBean(ModelServer.class).predictBlocking("minilm", "hello");
      assertThat(context.getBean(MeterRegistry.class).find("serving4j.request.latency").tag("model", "minilm")
          .timer()).isNotNull();
    });
  }

  @Test
  void closingTheContextClosesTheServer() {
    AtomicReference<ModelServer> server = new AtomicReference<>();
    withModel().run(context -> server.set(context.getBean(ModelServer.class)));
    assertThat(server.get().predict("minilm", "late")).isCompletedExceptionally();
    assertThatThrownBy(() -> server.get().predictBlocking("minilm", "late")).isInstanceOf(ServerClosedException.class);
  }
}
