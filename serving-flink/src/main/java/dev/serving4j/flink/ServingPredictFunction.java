package dev.serving4j.flink;

import dev.serving4j.PredictOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.functions.AsyncPredictFunction;
import org.apache.flink.table.functions.FunctionContext;

/**
 * {@code ML_PREDICT}'s async function for a serving4j model: one row, one {@code predict} call, on the
 * TaskManager's shared server (as {@link ServingAsyncFunction} does for a DataStream). A failed prediction fails
 * the query with the serving4j exception: SQL has no per-row error channel here.
 *
 * <p>Public only because the planner's generated code must reach it; created by {@link ServingModelProviderFactory}.
 */
public final class ServingPredictFunction extends AsyncPredictFunction {
  private static final long serialVersionUID = 1L;
  private static final Path ARCHIVE_CACHE = Path.of(System.getProperty("java.io.tmpdir"), "serving4j-flink");

  private final String model;
  private final ArchiveSource source;
  private final LinkedHashMap<String, Object> overrides;
  private final String version;
  private final long timeoutMillis;
  private final RowMapping mapping;
  private transient SharedServers.Lease lease;
  private transient PredictOptions options;

  ServingPredictFunction(String model, ArchiveSource source, Map<String, Object> overrides, String version,
      Duration timeout, RowMapping mapping) {
    this.model = model;
    this.source = source;
    this.overrides = new LinkedHashMap<>(overrides);
    this.version = version;
    this.timeoutMillis = timeout.toMillis();
    this.mapping = mapping;
  }

  /** Takes a lease on the TaskManager's shared server for the model's archive. */
  @Override
  public void open(FunctionContext context) {
    lease = SharedServers.acquire(source, overrides, context.getUserCodeClassLoader(), ARCHIVE_CACHE);
    options = new PredictOptions(version, Duration.ofMillis(timeoutMillis));
    MetricGroup group = context.getMetricGroup().addGroup("serving4j");
    FlinkMetrics.mirror(lease.meters(), lease.identity().name(), group.addGroup("server"));
  }

  /** Predicts one row; the future fails with the serving4j exception when the prediction does. */
  @Override
  public CompletableFuture<Collection<RowData>> asyncPredict(RowData features) {
    return lease.predict(mapping.input(features), options)
        .thenApply(result -> List.of(mapping.output(result)));
  }

  /** Releases the lease; the last one closes the server. */
  @Override
  public void close() {
    if (lease != null) {
      lease.close();
      lease = null;
    }
  }

  @Override
  public String toString() {
    return "serving4j model " + model;
  }
}
