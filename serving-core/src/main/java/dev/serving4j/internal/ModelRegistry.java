package dev.serving4j.internal;

import dev.serving4j.InvalidConfigException;
import dev.serving4j.ModelDescription;
import dev.serving4j.ModelNotFoundException;
import dev.serving4j.PredictOptions;
import dev.serving4j.ServerClosedException;
import dev.serving4j.ServingException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server's models: name → {@link ModelRoute}, and the routing of each call. Every change is decided under
 * one lock and published by replacing the model's route whole; {@link #submit} reads routes without locking.
 */
public final class ModelRegistry {
  private final Object lock = new Object();
  private final Map<String, ModelRoute> models = new ConcurrentHashMap<>();
  private final Multiplexer multiplexer;

  /** Creates an empty registry; {@code multiplexer} may be null (no budget). */
  public ModelRegistry(Multiplexer multiplexer) {
    this.multiplexer = multiplexer;
  }

  /** Adds a started version; the first version of a name becomes its default. */
  public void add(ModelVersion v, boolean closed) {
    synchronized (lock) {
      ModelRoute route = models.get(v.modelName());
      if (closed || (route != null && route.versions().containsKey(v.version()))) {
        throw new ServingException(v.label() + (closed ? ": the server closed during registration"
            : " is already registered"));
      }
      models.put(v.modelName(), route == null ? ModelRoute.of(v) : route.with(v));
    }
    if (multiplexer != null) {
      v.multiplexedBy(multiplexer);
      multiplexer.admitted(v);
    }
  }

  /** Removes every version of {@code name} and returns them (the caller closes them). */
  public List<ModelVersion> removeAll(String name) {
    ModelRoute route;
    synchronized (lock) {
      route = models.remove(name);
    }
    if (route == null) {
      throw notFound(name);
    }
    List<ModelVersion> removed = new ArrayList<>(route.versions().values());
    removed.forEach(this::released);
    return removed;
  }

  /** Removes one version (moving the default, dropping a split or shadow naming it) and returns it. */
  public ModelVersion remove(String name, String version) {
    ModelVersion v;
    synchronized (lock) {
      v = find(name, version);
      ModelRoute rest = models.get(name).without(version);
      if (rest == null) {
        models.remove(name);
      } else {
        models.put(name, rest);
      }
    }
    released(v);
    return v;
  }

  /** Removes everything (server close) and returns every version. */
  public List<ModelVersion> clear() {
    List<ModelVersion> all = new ArrayList<>();
    synchronized (lock) {
      models.values().forEach(r -> all.addAll(r.versions().values()));
      models.clear();
    }
    all.forEach(this::released);
    return all;
  }

  private void released(ModelVersion v) {
    if (multiplexer != null) {
      multiplexer.removed(v);
    }
  }

  /** Makes {@code version} the default and clears the split when {@code clearSplit}; returns the old default. */
  public String setDefault(String name, String version, boolean clearSplit) {
    synchronized (lock) {
      find(name, version);
      ModelRoute route = models.get(name);
      ModelRoute changed = route.withDefault(version);
      models.put(name, clearSplit ? changed.withWeights(Map.of()) : changed);
      return route.defaultVersion();
    }
  }

  /**
   * Sets the weighted split of calls that name no version (empty clears it).
   *
   * @throws ModelNotFoundException when {@code name} is not registered
   * @throws InvalidConfigException when a weight is negative, the sum is out of range or a version is unknown
   */
  public void setTrafficSplit(String name, Map<String, Integer> weights) {
    Objects.requireNonNull(weights, "weights");
    synchronized (lock) {
      ModelRoute route = route(name);
      long total = 0;
      for (Map.Entry<String, Integer> w : weights.entrySet()) {
        if (!route.versions().containsKey(w.getKey())) {
          throw new InvalidConfigException("traffic split of model '" + name + "' names version '" + w.getKey()
              + "', which is not registered (registered: " + route.versions().keySet() + ")");
        }
        if (w.getValue() == null || w.getValue() < 0) {
          throw new InvalidConfigException("traffic split weight of version '" + w.getKey() + "' must be >= 0, was "
              + w.getValue());
        }
        total += w.getValue();
      }
      if (!weights.isEmpty() && (total == 0 || total > Integer.MAX_VALUE)) {
        throw new InvalidConfigException("traffic split weights must sum to 1.." + Integer.MAX_VALUE + ", was "
            + total);
      }
      models.put(name, route.withWeights(weights));
    }
  }

  /** Mirrors {@code fraction} of other versions' calls to {@code version}; null version clears the shadow. */
  public void setShadow(String name, String version, double fraction) {
    if (!(fraction >= 0 && fraction <= 1)) {
      throw new InvalidConfigException("shadow fraction must be in 0..1, was " + fraction);
    }
    synchronized (lock) {
      ModelRoute route = route(name);
      if (version == null) {
        models.put(name, route.withShadow(null));
        return;
      }
      find(name, version);
      models.put(name, route.withShadow(new ModelRoute.Shadow(version, fraction, new ModelRoute.ShadowStats())));
    }
  }

  /**
   * Routes and queues one call. A call that named no version and reached a version as it closed (a swap or an
   * unregister racing with it) is routed once more to what is registered now, so it does not fail because of it.
   */
  public CompletableFuture<Object> submit(String name, Object input, PredictOptions options) {
    for (int attempt = 0; ; attempt++) {
      ModelRoute route = models.get(name);
      if (route == null) {
        return CompletableFuture.failedFuture(new ModelNotFoundException("model '" + name + "' is not registered"
            + " (registered: " + names() + ")"));
      }
      String version = options.version() == null ? route.choose(options.key()) : options.version();
      ModelVersion v = route.versions().get(version);
      if (v == null) {
        return CompletableFuture.failedFuture(new ModelNotFoundException("model '" + name + "' has no version '"
            + version + "' (registered: " + route.versions().keySet() + ")"));
      }
      CompletableFuture<Object> f = v.submit(input, options.timeout(), options.priority());
      if (attempt == 0 && options.version() == null && f.isCompletedExceptionally()
          && f.handle((x, e) -> e).getNow(null) instanceof ServerClosedException) {
        continue;
      }
      if (route.mirror() && !route.shadow().version().equals(version)) {
        mirror(route.shadow(), route.versions().get(route.shadow().version()), input, options);
      }
      return f;
    }
  }

  private static void mirror(ModelRoute.Shadow shadow, ModelVersion target, Object input, PredictOptions options) {
    ModelRoute.ShadowStats stats = shadow.stats();
    stats.mirrored.increment();
    long start = System.nanoTime();
    try {
      target.submit(input, options.timeout(), options.priority()).whenComplete((v, e) -> {
        stats.latencyNanos.add(System.nanoTime() - start);
        (e == null ? stats.succeeded : stats.failed).increment();
      });
    } catch (RuntimeException e) {
      stats.failed.increment(); // a shadow never affects the caller
    }
  }

  /** The registered versions of {@code name}, or {@link ModelNotFoundException}. */
  public List<ModelVersion> versions(String name) {
    return List.copyOf(route(name).versions().values());
  }

  /** Describes one model. */
  public ModelDescription describe(String name) {
    ModelRoute route = route(name);
    List<ModelDescription.Version> versions = new ArrayList<>();
    route.versions().values().forEach(v -> versions.add(v.describe()));
    ModelRoute.Shadow s = route.shadow();
    ModelDescription.Shadow shadow = null;
    if (s != null) {
      long done = s.stats().succeeded.sum() + s.stats().failed.sum();
      shadow = new ModelDescription.Shadow(s.version(), s.fraction(), s.stats().mirrored.sum(),
          s.stats().succeeded.sum(), s.stats().failed.sum(),
          Duration.ofNanos(s.stats().latencyNanos.sum() / Math.max(1, done)));
    }
    return new ModelDescription(name, route.defaultVersion(), versions, route.weights(), shadow);
  }

  /** What a snapshot records of every model. */
  public List<Snapshots.ModelEntry> snapshot() {
    List<Snapshots.ModelEntry> entries = new ArrayList<>();
    for (String name : names()) {
      ModelRoute route = models.get(name);
      if (route == null) {
        continue;
      }
      List<Snapshots.VersionEntry> versions = new ArrayList<>();
      route.versions().values().forEach(v -> versions.add(
          new Snapshots.VersionEntry(v.version(), v.source(), v.config().toMap())));
      ModelRoute.Shadow s = route.shadow();
      entries.add(new Snapshots.ModelEntry(name, route.defaultVersion(), route.weights(),
          s == null ? null : s.version(), s == null ? 0 : s.fraction(), versions));
    }
    return entries;
  }

  /** Sorted model names. */
  public List<String> names() {
    return List.copyOf(new TreeSet<>(models.keySet()));
  }

  /** True when {@code name} is registered. */
  public boolean contains(String name) {
    return models.containsKey(name);
  }

  /** Throws unless {@code name} and {@code version} are free. */
  public void requireNotRegistered(String name, String version) {
    ModelRoute route = models.get(name);
    if (route != null && route.versions().containsKey(version)) {
      throw new ServingException("model '" + name + "' version '" + version + "' is already registered");
    }
  }

  /** The registered version, or {@link ModelNotFoundException}. */
  public ModelVersion find(String name, String version) {
    ModelRoute route = models.get(name);
    ModelVersion v = route == null ? null : route.versions().get(version);
    if (v == null) {
      throw new ModelNotFoundException("model '" + name + "' version '" + version + "' is not registered");
    }
    return v;
  }

  private ModelRoute route(String name) {
    ModelRoute route = models.get(name);
    if (route == null) {
      throw notFound(name);
    }
    return route;
  }

  private static ModelNotFoundException notFound(String name) {
    return new ModelNotFoundException("model '" + name + "' is not registered");
  }
}
