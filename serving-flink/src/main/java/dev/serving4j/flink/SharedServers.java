package dev.serving4j.flink;

import dev.serving4j.ModelArchive;
import dev.serving4j.ModelServer;
import dev.serving4j.PredictOptions;
import dev.serving4j.ServingException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link ModelServer} per model per TaskManager JVM, shared by every subtask that serves it.
 *
 * <p>Flink runs each parallel subtask of an operator as its own object; giving each its own server would load the
 * model once per slot and split the stream into per-slot queues too short to batch. Instead a subtask
 * {@link #acquire acquires} a lease on open and closes it on close: the first lease for a key builds the server
 * and registers the archive, later ones share it, and the last release closes it. Records from all co-located
 * subtasks then meet in one queue, which is what lets serving4j's batcher form batches larger than one.
 *
 * <p>The key is the archive's {@link ArchiveIdentity} plus the config overrides (two jobs that tune the same
 * archive differently must not silently share) plus the user-code class loader that handler classes are loaded
 * from (so a server never outlives, or leaks, another job's classes). Registration happens under the lock: it is
 * rare (once per subtask open), and a second subtask must wait for the first to finish registering anyway.
 */
final class SharedServers {
  private static final Logger log = LoggerFactory.getLogger(SharedServers.class);
  private static final Map<Key, Entry> ENTRIES = new HashMap<>();
  /** Archive identities by content hash: a subtask that joins a running server need not open the archive. */
  private static final Map<String, ArchiveIdentity> IDENTITIES = new HashMap<>();

  private SharedServers() {}

  private record Key(ArchiveIdentity identity, Map<String, ?> overrides, ClassLoader loader) {}

  private static final class Entry {
    final ModelServer server;
    final ModelArchive archive;
    final MeterRegistry registry;
    final ArchiveIdentity identity;
    int leases;

    Entry(ModelServer server, ModelArchive archive, MeterRegistry registry, ArchiveIdentity identity) {
      this.server = server;
      this.archive = archive;
      this.registry = registry;
      this.identity = identity;
    }
  }

  /**
   * Returns a lease on the server for {@code source}, registering the archive if no subtask in this JVM has.
   *
   * @param overrides {@code ModelConfig} fields by name (as in a manifest's {@code config} section)
   * @param loader the job's user-code class loader: class path archives and handler classes are found there
   * @throws ServingException when the archive cannot be read or registered
   */
  static Lease acquire(ArchiveSource source, Map<String, ?> overrides, ClassLoader loader, Path cache) {
    ArchiveSource.Local local = source.materialize(loader, cache);
    synchronized (ENTRIES) {
      ModelArchive opened = null;
      ArchiveIdentity identity = IDENTITIES.get(local.sha256());
      if (identity == null) {
        opened = ModelArchive.open(local.path());
        identity = new ArchiveIdentity(opened.manifest().modelName(), opened.manifest().modelVersion(),
            local.sha256());
        IDENTITIES.put(local.sha256(), identity);
      }
      Key key = new Key(identity, Map.copyOf(overrides), loader);
      Entry entry = ENTRIES.get(key);
      if (entry == null) {
        entry = start(opened != null ? opened : ModelArchive.open(local.path()), identity, key);
        ENTRIES.put(key, entry);
      } else if (opened != null) {
        opened.close();
      }
      entry.leases++;
      return new Lease(key, entry);
    }
  }

  private static Entry start(ModelArchive archive, ArchiveIdentity identity, Key key) {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ModelServer server = ModelServer.builder().name("flink-" + identity.name()).classLoader(key.loader())
        .meterRegistry(registry).build();
    try {
      server.register(archive, cfg -> cfg.apply(key.overrides()));
    } catch (RuntimeException e) {
      server.close();
      archive.close();
      registry.close();
      throw e;
    }
    log.info("Started a shared server for {} in this TaskManager", identity);
    return new Entry(server, archive, registry, identity);
  }

  private static void release(Key key, Entry entry) {
    synchronized (ENTRIES) {
      if (--entry.leases > 0) {
        return;
      }
      ENTRIES.remove(key);
    }
    // Closing drains accepted requests: outside the lock, so other models' subtasks can open meanwhile.
    entry.server.close();
    entry.archive.close();
    entry.registry.close();
    log.info("Closed the shared server for {}: its last subtask closed", entry.identity);
  }

  /** The number of servers alive in this JVM (for tests and diagnostics). */
  static int liveServers() {
    synchronized (ENTRIES) {
      return ENTRIES.size();
    }
  }

  /** A subtask's share of a server; {@link #close()} once, when the subtask closes. */
  static final class Lease implements AutoCloseable {
    private final Key key;
    private final Entry entry;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Lease(Key key, Entry entry) {
      this.key = Objects.requireNonNull(key);
      this.entry = entry;
    }

    /** The archive served. */
    ArchiveIdentity identity() {
      return entry.identity;
    }

    /** The server's meters (queue depth, batch size, latency, outcomes). */
    MeterRegistry meters() {
      return entry.registry;
    }

    /** The shared server. */
    ModelServer server() {
      return entry.server;
    }

    /** Calls the model served; untyped, as {@link ModelServer#predict} is (the caller checks the output type). */
    CompletableFuture<Object> predict(Object input, PredictOptions options) {
      return entry.server.predict(entry.identity.name(), input, options);
    }

    @Override
    public void close() {
      if (!closed.getAndSet(true)) {
        release(key, entry);
      }
    }
  }
}
