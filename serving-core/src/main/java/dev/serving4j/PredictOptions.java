package dev.serving4j;

import dev.serving4j.internal.config.Durations;
import java.time.Duration;

/**
 * Per-call options for {@link ModelServer#predict(String, Object, PredictOptions)}: which version, how long the
 * caller is willing to wait. Immutable; {@link #DEFAULTS} routes to the default version with the model's
 * {@code requestTimeout}.
 *
 * @param version the version to call, or null for the model's default version
 * @param timeout the request's deadline measured from the call; null uses the model's default for the priority
 *     level ({@code priorityTimeouts}, else {@code requestTimeout}), {@link Duration#ZERO} means none, and so does a
 *     timeout too long to count in nanoseconds from now (over about 73 years, such as
 *     {@code ChronoUnit.FOREVER.getDuration()}), which is stored as {@link Duration#ZERO}
 * @param priority 0 (lowest, the default) to the model's {@code priorityLevels} - 1; higher levels are dispatched
 *     first, FIFO within a level
 * @param key a routing key (such as a user id): with a traffic split, equal keys always reach the same version;
 *     null routes at random by weight
 *
 * <p>Start from {@link #DEFAULTS} or one of the {@code of*} factories and refine with the {@code with*} copies:
 * {@code PredictOptions.ofTimeout(Duration.ofMillis(50)).withPriority(1)}. The factories are named apart from the
 * record's accessors ({@code version()}, {@code timeout()}, ...) so a call never reads as a getter.
 */
public record PredictOptions(String version, Duration timeout, int priority, String key) {
  /** The default version, the model's default timeout, priority 0, no key. */
  public static final PredictOptions DEFAULTS = new PredictOptions(null, null, 0, null);

  /** Options with priority 0 and no key. */
  public PredictOptions(String version, Duration timeout) {
    this(version, timeout, 0, null);
  }

  /**
   * Validates the timeout and priority, and saturates a timeout beyond about 73 years to none.
   *
   * @throws InvalidConfigException when the priority or timeout is negative or the version blank
   */
  public PredictOptions {
    if (priority < 0) {
      throw new InvalidConfigException("PredictOptions.priority must be >= 0, was " + priority);
    }
    if (timeout != null && timeout.isNegative()) {
      throw new InvalidConfigException("PredictOptions.timeout must be >= 0, was " + timeout);
    }
    if (timeout != null && timeout.compareTo(Durations.FOREVER) > 0) {
      timeout = Duration.ZERO;
    }
    if (version != null && version.isBlank()) {
      throw new InvalidConfigException("PredictOptions.version must be null or non-blank, was '" + version + "'");
    }
  }

  /** Options calling {@code version} explicitly. */
  public static PredictOptions ofVersion(String version) {
    return new PredictOptions(version, null, 0, null);
  }

  /** Options with a deadline {@code timeout} from the call. */
  public static PredictOptions ofTimeout(Duration timeout) {
    return new PredictOptions(null, timeout, 0, null);
  }

  /** Options with priority {@code priority}. */
  public static PredictOptions ofPriority(int priority) {
    return new PredictOptions(null, null, priority, null);
  }

  /** Returns a copy calling {@code version}. */
  public PredictOptions withVersion(String version) {
    return new PredictOptions(version, timeout, priority, key);
  }

  /** Returns a copy with deadline {@code timeout}. */
  public PredictOptions withTimeout(Duration timeout) {
    return new PredictOptions(version, timeout, priority, key);
  }

  /** Options routed by {@code key}. */
  public static PredictOptions ofKey(String key) {
    return new PredictOptions(null, null, 0, key);
  }

  /** Returns a copy routed by {@code key}. */
  public PredictOptions withKey(String key) {
    return new PredictOptions(version, timeout, priority, key);
  }

  /** Returns a copy with priority {@code priority}. */
  public PredictOptions withPriority(int priority) {
    return new PredictOptions(version, timeout, priority, key);
  }
}
