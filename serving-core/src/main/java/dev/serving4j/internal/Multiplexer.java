package dev.serving4j.internal;

import java.util.LinkedHashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps at most a budget of model versions loaded (workers running, sessions open), counted by each version's
 * {@code loadWeight}. A call to an unloaded version queues as usual and loads it; concurrent first calls share that
 * one load because loading is decided under this class's lock. To make room, the least recently used <em>idle</em>
 * version (nothing queued or running) is unloaded; a busy version is never unloaded, so the budget may be exceeded
 * until one goes idle, at which point the excess is trimmed.
 *
 * <p>Not a Caffeine cache: Caffeine evicts on its own schedule and cannot be told "not this one, it is busy",
 * which is the one rule that matters here. The set is small (models, not requests), so a scan per decision is cheap.
 */
public final class Multiplexer {
  private static final Logger log = LoggerFactory.getLogger(Multiplexer.class);

  private final long budget;
  private final Set<ModelVersion> loaded = new LinkedHashSet<>(); // guarded by this
  private long used; // guarded by this
  private volatile boolean overBudget;

  /** Creates a multiplexer keeping at most {@code budget} weight loaded. */
  public Multiplexer(long budget) {
    this.budget = budget;
  }

  /** A version finished registering (it is loaded): count it and make room. */
  public synchronized void admitted(ModelVersion v) {
    if (loaded.add(v)) {
      used += v.loadWeight();
    }
    trim(v);
  }

  /** A version was unregistered. */
  public synchronized void removed(ModelVersion v) {
    if (loaded.remove(v)) {
      used -= v.loadWeight();
    }
  }

  /** Loads {@code v} if it is not loaded (once, however many callers ask), making room first. */
  synchronized void ensureLoaded(ModelVersion v) {
    if (v.isLoaded() || v.isClosed()) {
      return;
    }
    used += v.loadWeight();
    loaded.add(v);
    v.load();
    trim(v);
  }

  /** A version just went idle: if the budget is exceeded, trim now that something may be unloadable. */
  void onIdle() {
    if (overBudget) {
      synchronized (this) {
        trim(null);
      }
    }
  }

  private void trim(ModelVersion keep) {
    while (used > budget) {
      ModelVersion victim = null;
      for (ModelVersion v : loaded) {
        if (v != keep && v.isIdle() && (victim == null || v.lastUsedNanos() - victim.lastUsedNanos() < 0)) {
          victim = v;
        }
      }
      if (victim == null) {
        if (!overBudget) {
          log.info("Loaded models weigh {} over the budget of {}, but all are busy; unloading when one is idle",
              used, budget);
        }
        overBudget = true;
        return;
      }
      loaded.remove(victim);
      used -= victim.loadWeight();
      if (!victim.unload()) { // work arrived while unloading: it stays loaded
        loaded.add(victim);
        used += victim.loadWeight();
        overBudget = true;
        return;
      }
    }
    overBudget = false;
  }

}
