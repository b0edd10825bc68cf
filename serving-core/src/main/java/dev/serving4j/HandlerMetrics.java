package dev.serving4j;

import dev.serving4j.internal.metrics.CustomMeterTags;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.noop.NoopCounter;
import io.micrometer.core.instrument.noop.NoopDistributionSummary;
import io.micrometer.core.instrument.noop.NoopGauge;
import io.micrometer.core.instrument.noop.NoopTimer;
import java.util.function.ToDoubleFunction;

/**
 * Custom metrics for a {@link Handler}, from {@link HandlerContext#metrics()}: TorchServe's custom metrics API done
 * the Micrometer way. Each meter is registered in the server's {@code MeterRegistry} under
 * {@value #PREFIX}{@code <name>} with the tags {@code model} and {@code version} added, and is removed when the
 * version is unregistered. When the server has no registry, every method returns a no-op meter.
 *
 * <pre>{@code
 * public void initialize(HandlerContext context) {
 *   tokens = context.metrics().summary("tokens", "field", "input");   // serving4j.custom.tokens{model,version,field}
 * }
 * }</pre>
 *
 * <p>Create meters once (in {@code initialize}) and keep them; lookups are cheap but not free. All workers of a
 * version share a meter of the same name and tags. Tags are given as key/value pairs; the keys {@code model} and
 * {@code version} are reserved. Meter names follow Micrometer's convention: lower case, dot-separated.
 */
public interface HandlerMetrics {

  /** Prefix of every custom meter's name, keeping them apart from serving4j's own meters. */
  String PREFIX = "serving4j.custom.";

  /** Records nothing: what handlers get when the server has no {@code MeterRegistry}. */
  HandlerMetrics NOOP = new HandlerMetrics() {
    @Override
    public Counter counter(String name, String... tags) {
      return new NoopCounter(noopId(name, tags, Meter.Type.COUNTER));
    }

    @Override
    public Timer timer(String name, String... tags) {
      return new NoopTimer(noopId(name, tags, Meter.Type.TIMER));
    }

    @Override
    public DistributionSummary summary(String name, String... tags) {
      return new NoopDistributionSummary(noopId(name, tags, Meter.Type.DISTRIBUTION_SUMMARY));
    }

    @Override
    public <T> Gauge gauge(String name, T state, ToDoubleFunction<T> value, String... tags) {
      return new NoopGauge(noopId(name, tags, Meter.Type.GAUGE));
    }

    private Meter.Id noopId(String name, String[] tags, Meter.Type type) {
      return new Meter.Id(PREFIX + name, CustomMeterTags.userTags(name, tags), null, null, type);
    }
  };

  /**
   * Returns the counter {@value #PREFIX}{@code name} with the model's tags and {@code tags}.
   *
   * @param tags key/value pairs
   * @throws IllegalArgumentException when the name is blank, the tags are not pairs, or a key is reserved
   */
  Counter counter(String name, String... tags);

  /**
   * Returns the timer {@value #PREFIX}{@code name} with the model's tags and {@code tags}.
   *
   * @param tags key/value pairs
   * @throws IllegalArgumentException when the name is blank, the tags are not pairs, or a key is reserved
   */
  Timer timer(String name, String... tags);

  /**
   * Returns the distribution summary {@value #PREFIX}{@code name} with the model's tags and {@code tags}.
   *
   * @param tags key/value pairs
   * @throws IllegalArgumentException when the name is blank, the tags are not pairs, or a key is reserved
   */
  DistributionSummary summary(String name, String... tags);

  /**
   * Registers a gauge {@value #PREFIX}{@code name} reading {@code value} from {@code state}. The gauge holds
   * {@code state} strongly until the version is unregistered. If a gauge with that name and tags exists already
   * (another worker registered it), that one is returned and {@code state} is ignored: for a per-worker gauge, add
   * a tag such as {@code "worker", String.valueOf(context.workerId())}.
   *
   * @param tags key/value pairs
   * @throws IllegalArgumentException when the name is blank, the tags are not pairs, or a key is reserved
   */
  <T> Gauge gauge(String name, T state, ToDoubleFunction<T> value, String... tags);
}
