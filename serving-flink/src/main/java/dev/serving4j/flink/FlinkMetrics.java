package dev.serving4j.flink;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import org.apache.flink.metrics.MetricGroup;

/**
 * Shows a shared server's Micrometer meters as Flink gauges, so they reach whatever reporter the cluster has
 * (JMX, Prometheus, the web UI) with nothing to configure.
 *
 * <p>Each meter becomes a group under {@code serving4j}, named after the meter ({@code request_latency}), with one
 * sub-group per tag other than model and version ({@code outcome.success}), holding gauges: {@code value} for a
 * gauge or counter, {@code count}/{@code mean}/{@code max} for a summary, and {@code count}/{@code meanMs}/
 * {@code maxMs} for a timer. Gauges read the meter when the reporter polls; nothing is copied per record.
 */
final class FlinkMetrics {
  private static final String PREFIX = "serving4j.";

  private FlinkMetrics() {}

  /** Mirrors every serving4j meter of {@code model} in {@code registry} into {@code group}. */
  static void mirror(MeterRegistry registry, String model, MetricGroup group) {
    for (Meter meter : registry.getMeters()) {
      Meter.Id id = meter.getId();
      if (id.getName().startsWith(PREFIX) && model.equals(id.getTag("model"))) {
        expose(meter, groupFor(id, group));
      }
    }
  }

  private static MetricGroup groupFor(Meter.Id id, MetricGroup root) {
    MetricGroup g = root.addGroup(id.getName().substring(PREFIX.length()).replace('.', '_'));
    for (Tag tag : id.getTagsAsIterable()) {
      if (!tag.getKey().equals("model") && !tag.getKey().equals("version")) {
        g = g.addGroup(tag.getKey(), tag.getValue());
      }
    }
    return g;
  }

  private static void expose(Meter meter, MetricGroup g) {
    if (meter instanceof Gauge gauge) {
      add(g, "value", gauge::value);
    } else if (meter instanceof Counter counter) {
      add(g, "value", counter::count);
    } else if (meter instanceof Timer timer) {
      add(g, "count", timer::count);
      add(g, "meanMs", () -> timer.mean(TimeUnit.MILLISECONDS));
      add(g, "maxMs", () -> timer.max(TimeUnit.MILLISECONDS));
    } else if (meter instanceof DistributionSummary summary) {
      add(g, "count", summary::count);
      add(g, "mean", summary::mean);
      add(g, "max", summary::max);
    }
  }

  private static void add(MetricGroup g, String name, DoubleSupplier value) {
    g.<Double, org.apache.flink.metrics.Gauge<Double>>gauge(name, value::getAsDouble);
  }
}
