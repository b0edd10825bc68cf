package dev.serving4j.flink;

import java.time.Duration;
import java.util.Map;
import org.apache.flink.table.functions.AsyncPredictFunction;
import org.apache.flink.table.ml.AsyncPredictRuntimeProvider;
import org.apache.flink.table.ml.ModelProvider;

/** A {@code CREATE MODEL ... WITH ('provider' = 'serving4j')} model: hands the planner an async predict function. */
final class ServingModelProvider implements AsyncPredictRuntimeProvider {
  private final String model;
  private final ArchiveSource source;
  private final Map<String, Object> overrides;
  private final String version;
  private final Duration timeout;
  private final RowMapping mapping;

  ServingModelProvider(String model, ArchiveSource source, Map<String, Object> overrides, String version,
      Duration timeout, RowMapping mapping) {
    this.model = model;
    this.source = source;
    this.overrides = overrides;
    this.version = version;
    this.timeout = timeout;
    this.mapping = mapping;
  }

  @Override
  public AsyncPredictFunction createAsyncPredictFunction(Context context) {
    return new ServingPredictFunction(model, source, overrides, version, timeout, mapping);
  }

  @Override
  public ModelProvider copy() {
    return new ServingModelProvider(model, source, overrides, version, timeout, mapping);
  }
}
