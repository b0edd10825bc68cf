package dev.serving4j.flink;

import dev.serving4j.PredictOptions;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;

/**
 * Flink's async I/O operator calling a serving4j model: each record becomes one {@code predict} call and its
 * {@code CompletableFuture} completes the record's {@link ResultFuture}. Build it with {@link AsyncPredict}, which
 * also wires the operator's capacity and timeout.
 *
 * <p>On open, the subtask takes a lease on the TaskManager's shared {@code ModelServer} for the archive (see
 * {@link ArchiveIdentity}): co-located subtasks feed one queue, so serving4j's dynamic batcher groups the records
 * that are in flight across all of them. The operator's capacity bounds each subtask's in-flight records and so
 * gives backpressure; a full serving4j queue is a per-record {@code QueueFullException} handled by the
 * {@link FailurePolicy}.
 *
 * <p>Deadlines: every call carries a serving4j deadline equal to the operator's timeout, so a record Flink gives up
 * on also leaves serving4j's queue (expired, never run) instead of using a worker for an answer nobody reads; if
 * Flink's timer fires first, the call is cancelled, which removes it from the queue as well.
 *
 * @param <I> the model's input type (the stream's element type)
 * @param <O> the model's output type
 */
public final class ServingAsyncFunction<I, O> extends RichAsyncFunction<I, Prediction<I, O>> {
  private static final long serialVersionUID = 1L;
  private static final Path ARCHIVE_CACHE = Path.of(System.getProperty("java.io.tmpdir"), "serving4j-flink");

  private final ArchiveSource source;
  private final LinkedHashMap<String, Object> overrides;
  private final CallOptions call;
  private final FailurePolicy policy;

  private transient SharedServers.Lease lease;
  private transient PredictOptions options;
  private transient Map<ResultFuture<Prediction<I, O>>, CompletableFuture<O>> pending;
  private transient Counter succeeded;
  private transient Counter failed;

  ServingAsyncFunction(ArchiveSource source, Map<String, ?> overrides, PredictOptions options, Duration timeout,
      FailurePolicy policy) {
    this.source = Objects.requireNonNull(source, "source");
    this.overrides = new LinkedHashMap<>(overrides);
    this.call = CallOptions.of(options, timeout);
    this.policy = Objects.requireNonNull(policy, "policy");
  }

  /** Takes a lease on the TaskManager's shared server and registers this subtask's metrics. */
  @Override
  public void open(OpenContext openContext) {
    ClassLoader loader = getRuntimeContext().getUserCodeClassLoader();
    lease = SharedServers.acquire(source, overrides, loader, ARCHIVE_CACHE);
    options = call.toPredictOptions();
    pending = new ConcurrentHashMap<>();
    MetricGroup group = getRuntimeContext().getMetricGroup().addGroup("serving4j");
    succeeded = group.counter("recordsSucceeded");
    failed = group.counter("recordsFailed");
    FlinkMetrics.mirror(lease.meters(), lease.identity().name(), group.addGroup("server"));
  }

  /** Calls the model; the record's future completes when serving4j's does. */
  @Override
  public void asyncInvoke(I input, ResultFuture<Prediction<I, O>> result) {
    // ModelServer.predict is untyped; O is the output type this operator was built with (AsyncPredict.model).
    @SuppressWarnings("unchecked")
    CompletableFuture<O> future = (CompletableFuture<O>) (CompletableFuture<?>) lease.predict(input, options);
    pending.put(result, future);
    future.whenComplete((output, error) -> {
      pending.remove(result);
      if (error == null) {
        succeeded.inc();
        result.complete(List.of(Prediction.success(input, output)));
      } else {
        fail(input, error, result);
      }
    });
  }

  /** Flink's timer fired first: cancel the call (which leaves serving4j's queue) and apply the policy. */
  @Override
  public void timeout(I input, ResultFuture<Prediction<I, O>> result) {
    CompletableFuture<O> future = pending.remove(result);
    if (future != null) {
      future.cancel(false);
    }
    fail(input, new TimeoutException("record not predicted within the operator's timeout of "
        + call.timeoutMillis() + " ms (model '" + lease.identity().name() + "')"), result);
  }

  private void fail(I input, Throwable error, ResultFuture<Prediction<I, O>> result) {
    failed.inc();
    if (policy == FailurePolicy.FAIL_JOB) {
      result.completeExceptionally(Prediction.unwrap(error));
    } else {
      result.complete(List.of(Prediction.failure(input, error)));
    }
  }

  /** Releases the lease; the last subtask to close closes the server. */
  @Override
  public void close() {
    if (lease != null) {
      lease.close();
      lease = null;
    }
  }

  /** The serving4j options each call carries: the user's, with the operator's timeout as the deadline. */
  PredictOptions predictOptions() {
    return call.toPredictOptions();
  }

  /** {@link PredictOptions} is not serializable; its fields are. */
  private record CallOptions(String version, long timeoutMillis, int priority, String key) implements Serializable {
    static CallOptions of(PredictOptions o, Duration timeout) {
      return new CallOptions(o.version(), timeout.toMillis(), o.priority(), o.key());
    }

    PredictOptions toPredictOptions() {
      return new PredictOptions(version, Duration.ofMillis(timeoutMillis), priority, key);
    }
  }
}
