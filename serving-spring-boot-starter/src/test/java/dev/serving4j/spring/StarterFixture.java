package dev.serving4j.spring;

import dev.serving4j.ModelArchive;
import java.nio.file.Path;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The application context the tests start: the auto-configurations, the {@code lengths} alias, and archives. */
final class StarterFixture {
  private StarterFixture() {}

  /** A runner with the auto-configuration and a customizer that registers the {@code lengths} handler alias. */
  static ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(Serving4jAutoConfiguration.class,
            Serving4jHealthAutoConfiguration.class))
        .withBean(ModelServerCustomizer.class, () -> b -> b.handler("lengths", LengthHandler::new));
  }

  /** Writes an archive of model {@code name} served by the {@code lengths} handler into {@code directory}. */
  static Path archive(Path directory, String name) {
    return ModelArchive.builder(name, "1").handler("lengths").writeZip(directory.resolve(name + ".s4j"));
  }
}
