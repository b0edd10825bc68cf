package dev.serving4j.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * How calls to one model name reach its versions: the registered versions, the default, an optional weighted
 * traffic split (A/B) and an optional shadow. Immutable; the server replaces it whole on every change, so
 * {@code predict} routes without locks.
 *
 * @param versions registered versions, in registration order
 * @param defaultVersion where calls go when there is no split and no explicit version
 * @param weights the traffic split (version to weight), or empty for none
 * @param shadow the shadow, or null
 */
public record ModelRoute(Map<String, ModelVersion> versions, String defaultVersion, Map<String, Integer> weights,
    Shadow shadow) {

  /** Copies the maps. */
  public ModelRoute {
    versions = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(versions));
    weights = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(weights));
  }

  /** A route with one version and nothing else. */
  public static ModelRoute of(ModelVersion v) {
    return new ModelRoute(Map.of(v.version(), v), v.version(), Map.of(), null);
  }

  /**
   * Mirrors a fraction of a model's calls to a candidate version whose answers are only counted.
   *
   * @param version the candidate
   * @param fraction share of calls mirrored, 0..1
   * @param stats what the mirrored calls did
   */
  public record Shadow(String version, double fraction, ShadowStats stats) {}

  /** Counters of mirrored calls. */
  public static final class ShadowStats {
    /** Calls mirrored. */
    public final LongAdder mirrored = new LongAdder();
    /** Mirrored calls that succeeded. */
    public final LongAdder succeeded = new LongAdder();
    /** Mirrored calls that failed (any reason). */
    public final LongAdder failed = new LongAdder();
    /** Total latency of completed mirrored calls. */
    public final LongAdder latencyNanos = new LongAdder();
  }

  /** The version a call without an explicit version goes to: by weight when split, else the default. */
  public String choose(String key) {
    if (weights.isEmpty()) {
      return defaultVersion;
    }
    int total = 0;
    for (int w : weights.values()) {
      total += w;
    }
    int point = key == null ? ThreadLocalRandom.current().nextInt(total) : Math.floorMod(mix(key.hashCode()), total);
    for (Map.Entry<String, Integer> e : weights.entrySet()) {
      point -= e.getValue();
      if (point < 0) {
        return e.getKey();
      }
    }
    return defaultVersion;
  }

  /** Whether this call should also go to the shadow. */
  public boolean mirror() {
    return shadow != null && ThreadLocalRandom.current().nextDouble() < shadow.fraction;
  }

  /** A copy with {@code v} added (the first version becomes the default). */
  public ModelRoute with(ModelVersion v) {
    Map<String, ModelVersion> more = new LinkedHashMap<>(versions);
    more.put(v.version(), v);
    return new ModelRoute(more, defaultVersion, weights, shadow);
  }

  /** A copy without {@code version}; a split or shadow naming it is dropped; null when nothing is left. */
  public ModelRoute without(String version) {
    Map<String, ModelVersion> rest = new LinkedHashMap<>(versions);
    rest.remove(version);
    if (rest.isEmpty()) {
      return null;
    }
    String def = version.equals(defaultVersion) ? rest.keySet().iterator().next() : defaultVersion;
    Map<String, Integer> w = weights.containsKey(version) ? Map.of() : weights;
    Shadow s = shadow != null && shadow.version.equals(version) ? null : shadow;
    return new ModelRoute(rest, def, w, s);
  }

  /** A copy with a new default. */
  public ModelRoute withDefault(String version) {
    return new ModelRoute(versions, version, weights, shadow);
  }

  /** A copy with a new split (empty to clear). */
  public ModelRoute withWeights(Map<String, Integer> split) {
    return new ModelRoute(versions, defaultVersion, split, shadow);
  }

  /** A copy with a new shadow (null to clear). */
  public ModelRoute withShadow(Shadow s) {
    return new ModelRoute(versions, defaultVersion, weights, s);
  }

  /** Spreads hash codes of similar keys (murmur3's finalizer) so sticky routing is uniform. */
  private static int mix(int h) {
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h;
  }
}
