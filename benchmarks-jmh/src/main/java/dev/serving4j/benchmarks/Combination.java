package dev.serving4j.benchmarks;

import java.util.Locale;

/**
 * One point of a sweep: the model optimization, the serving settings and the load level.
 *
 * <p>A point whose batch size, workers and threads are all 0 is <em>zero-config</em>: the model registered with no
 * config at all, serving4j's defaults.
 *
 * @param optimization {@code fp32} or {@code quantized}
 * @param batchSize {@code maxBatchSize} (0: zero-config)
 * @param workers workers (0: zero-config)
 * @param intraOpThreads ORT intra-op threads per session (0: ORT's default)
 * @param load concurrent clients (closed loop) or requests per second (open loop)
 */
public record Combination(String optimization, int batchSize, int workers, int intraOpThreads, double load) {
  /** A short label for tables and the chart, e.g. {@code fp32 b8 w1 t2 c64}. */
  public String label(boolean openLoop) {
    String level = openLoop ? String.format(Locale.ROOT, "r%.0f", load) : "c" + (int) load;
    if (zeroConfig()) {
      return optimization + " zero-config " + level;
    }
    return optimization + " b" + batchSize + " w" + workers + " t" + intraOpThreads + " " + level;
  }

  /** Whether this point registers the model with no config (serving4j's defaults). */
  public boolean zeroConfig() {
    return batchSize == 0 && workers == 0 && intraOpThreads == 0;
  }

  /** Whether this point shares its served model and settings with {@code other} (only the load differs). */
  boolean sameServing(Combination other) {
    return other != null && optimization.equals(other.optimization) && batchSize == other.batchSize
        && workers == other.workers && intraOpThreads == other.intraOpThreads;
  }
}
