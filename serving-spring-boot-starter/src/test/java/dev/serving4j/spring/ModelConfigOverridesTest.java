package dev.serving4j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ModelConfigOverridesTest {
  @Test
  void propertyTextIsTypedAsAManifestWriterWouldHaveTypedIt() {
    assertThat(ModelConfigOverrides.value("16")).isEqualTo(16);
    assertThat(ModelConfigOverrides.value("8000000000")).isEqualTo(8_000_000_000L);
    assertThat(ModelConfigOverrides.value("true")).isEqualTo(true);
    assertThat(ModelConfigOverrides.value("5ms")).isEqualTo("5ms");
    assertThat(ModelConfigOverrides.value("4, 8,16")).isEqualTo(List.of(4, 8, 16));
    assertThat(ModelConfigOverrides.value("cpu,cuda:0")).isEqualTo(List.of("cpu", "cuda:0"));
  }

  @Test
  void kebabCaseKeysBecomeFieldNames() {
    assertThat(ModelConfigOverrides.camelCase("max-batch-size")).isEqualTo("maxBatchSize");
    assertThat(ModelConfigOverrides.camelCase("maxBatchSize")).isEqualTo("maxBatchSize");
  }
}
