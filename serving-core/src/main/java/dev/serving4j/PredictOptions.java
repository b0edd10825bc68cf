package dev.serving4j;

import java.time.Duration;

/**
 * Per-call options for {@link ModelServer#predict(String, Object, PredictOptions)}: which version, how long the
 * caller is willing to wait. Immutable; {@link #DEFAULTS} routes to the default version with the model's
 * {@code requestTimeout}.
 *
 * @param version the version to call, or null for the model's default version
 * @param timeout the request's deadline measured from the call; null uses the model's {@code requestTimeout},
 *     {@link Duration#ZERO} means none
 */
public record PredictOptions(String version, Duration timeout) {
  /** The default version, the model's default timeout. */
  public static final PredictOptions DEFAULTS = new PredictOptions(null, null);

  /** Validates the timeout. */
  public PredictOptions {
    if (timeout != null && timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must be >= 0, was " + timeout);
    }
    if (version != null && version.isBlank()) {
      throw new IllegalArgumentException("version must be null or non-blank, was '" + version + "'");
    }
  }

  /** Options calling {@code version} explicitly. */
  public static PredictOptions version(String version) {
    return new PredictOptions(version, null);
  }

  /** Options with a deadline {@code timeout} from the call. */
  public static PredictOptions timeout(Duration timeout) {
    return new PredictOptions(null, timeout);
  }

  /** Returns a copy calling {@code version}. */
  public PredictOptions withVersion(String version) {
    return new PredictOptions(version, timeout);
  }

  /** Returns a copy with deadline {@code timeout}. */
  public PredictOptions withTimeout(Duration timeout) {
    return new PredictOptions(version, timeout);
  }
}
