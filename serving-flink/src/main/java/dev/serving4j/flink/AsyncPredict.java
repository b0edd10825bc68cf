package dev.serving4j.flink;

import dev.serving4j.InvalidConfigException;
import dev.serving4j.PredictOptions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * Adds a serving4j model to a {@link DataStream} as an async I/O operator.
 *
 * <pre>{@code
 * DataStream<Prediction<String, float[]>> vectors = AsyncPredict
 *     .model(ArchiveSource.path("/models/minilm.s4j"), float[].class)
 *     .capacity(64)
 *     .timeout(Duration.ofSeconds(30))
 *     .onFailure(FailurePolicy.EMIT_ERROR)
 *     .apply(sentences);
 * }</pre>
 *
 * <p>Setters check their argument at once; {@link #apply} may be called more than once.
 *
 * @param <O> the model's output type
 */
public final class AsyncPredict<O> {
  private final ArchiveSource source;
  private final TypeInformation<O> outputType;
  private final Map<String, Object> overrides = new LinkedHashMap<>();
  private int capacity = 64;
  private boolean ordered;
  private Duration timeout = Duration.ofSeconds(30);
  private PredictOptions options = PredictOptions.DEFAULTS;
  private FailurePolicy policy = FailurePolicy.FAIL_JOB;

  private AsyncPredict(ArchiveSource source, TypeInformation<O> outputType) {
    this.source = Objects.requireNonNull(source, "source");
    this.outputType = Objects.requireNonNull(outputType, "outputType");
  }

  /** Starts a builder for the model in {@code source}, whose handler returns values of {@code outputType}. */
  public static <O> AsyncPredict<O> model(ArchiveSource source, TypeInformation<O> outputType) {
    return new AsyncPredict<>(source, outputType);
  }

  /** Like {@link #model(ArchiveSource, TypeInformation)} for an output class without type parameters. */
  public static <O> AsyncPredict<O> model(ArchiveSource source, Class<O> outputType) {
    return new AsyncPredict<>(source, TypeInformation.of(outputType));
  }

  /**
   * Records each subtask keeps in flight (Flink's async capacity). serving4j batches across them, so this is the
   * ceiling of the batch a subtask can contribute; above {@code maxBatchSize * workers} it only adds queueing.
   * Default 64.
   */
  public AsyncPredict<O> capacity(int value) {
    if (value < 1) {
      throw new InvalidConfigException("capacity must be >= 1, was " + value);
    }
    capacity = value;
    return this;
  }

  /** Emit results in input order (Flink's {@code orderedWait}); the default emits each as it completes. */
  public AsyncPredict<O> ordered(boolean value) {
    ordered = value;
    return this;
  }

  /** How long one record may take, queueing included; also serving4j's deadline for the call. Default 30 s. */
  public AsyncPredict<O> timeout(Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new InvalidConfigException("timeout must be > 0, was " + value);
    }
    timeout = value;
    return this;
  }

  /**
   * Per-call options (version, priority, routing key). Their timeout is replaced by {@link #timeout(Duration)}, so
   * that Flink and serving4j agree on when a record has expired.
   */
  public AsyncPredict<O> options(PredictOptions value) {
    options = Objects.requireNonNull(value, "options");
    return this;
  }

  /** What a failed prediction does; default {@link FailurePolicy#FAIL_JOB}. */
  public AsyncPredict<O> onFailure(FailurePolicy value) {
    policy = Objects.requireNonNull(value, "policy");
    return this;
  }

  /**
   * Overrides a field of the archive's {@code config} section, as in a manifest ({@code "maxBatchSize", 16} or
   * {@code "maxBatchDelay", "5ms"}). Checked when the server registers the archive on the TaskManager.
   */
  public AsyncPredict<O> config(String field, Object value) {
    if (field == null || field.isBlank() || value == null) {
      throw new InvalidConfigException("config override needs a field name and a value, was " + field + "="
          + value);
    }
    overrides.put(field, value);
    return this;
  }

  /** Builds the function alone, for callers that wire {@link AsyncDataStream} themselves. */
  public <I> ServingAsyncFunction<I, O> function() {
    return new ServingAsyncFunction<>(source, overrides, options, timeout, policy);
  }

  /** Adds the operator after {@code input}; its elements are the model's inputs. */
  public <I> SingleOutputStreamOperator<Prediction<I, O>> apply(DataStream<I> input) {
    ServingAsyncFunction<I, O> function = function();
    long millis = timeout.toMillis();
    SingleOutputStreamOperator<Prediction<I, O>> out = ordered
        ? AsyncDataStream.orderedWait(input, function, millis, TimeUnit.MILLISECONDS, capacity)
        : AsyncDataStream.unorderedWait(input, function, millis, TimeUnit.MILLISECONDS, capacity);
    return out.returns(predictionType(input.getType(), outputType)).name("serving4j predict");
  }

  /** Flink's type for {@link Prediction}: a POJO whose input and output use their own serializers. */
  public static <I, O> TypeInformation<Prediction<I, O>> predictionType(TypeInformation<I> input,
      TypeInformation<O> output) {
    @SuppressWarnings({"unchecked", "rawtypes"})
    TypeInformation<Prediction<I, O>> type = (TypeInformation) Types.POJO(Prediction.class, Map.of(
        "input", input, "output", output, "errorType", Types.STRING, "errorMessage", Types.STRING));
    return type;
  }
}
