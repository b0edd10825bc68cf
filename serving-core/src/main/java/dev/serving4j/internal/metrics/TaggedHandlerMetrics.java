package dev.serving4j.internal.metrics;

import dev.serving4j.HandlerMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.function.ToDoubleFunction;

/** The {@link HandlerMetrics} of one version: registers prefixed meters with the version's tags, tracked for removal. */
final class TaggedHandlerMetrics implements HandlerMetrics {
  private final VersionMeters meters;

  TaggedHandlerMetrics(VersionMeters meters) {
    this.meters = meters;
  }

  @Override
  public Counter counter(String name, String... tags) {
    return meters.track(Counter.builder(PREFIX + name).tags(tags(name, tags)).register(meters.registry()));
  }

  @Override
  public Timer timer(String name, String... tags) {
    return meters.track(Timer.builder(PREFIX + name).tags(tags(name, tags)).register(meters.registry()));
  }

  @Override
  public DistributionSummary summary(String name, String... tags) {
    return meters.track(DistributionSummary.builder(PREFIX + name).tags(tags(name, tags))
        .register(meters.registry()));
  }

  @Override
  public <T> Gauge gauge(String name, T state, ToDoubleFunction<T> value, String... tags) {
    return meters.track(Gauge.builder(PREFIX + name, state, value).tags(tags(name, tags)).strongReference(true)
        .register(meters.registry()));
  }

  private Tags tags(String name, String[] tags) {
    return meters.tags().and(CustomMeterTags.userTags(name, tags));
  }
}
