package dev.serving4j.internal;

import dev.serving4j.DeadlineExceededException;
import dev.serving4j.Handler;
import dev.serving4j.HandlerException;
import dev.serving4j.InvalidInputException;
import dev.serving4j.ModelConfig;
import dev.serving4j.QueueFullException;
import dev.serving4j.ServerClosedException;
import dev.serving4j.ServingException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The caller's side of a version: everything {@code predict} does on the calling thread before a worker sees the
 * request. Checks the input and priority, looks up the response cache, runs the handler's per-request hooks on the
 * scheduling instance ({@code prepare}, {@code cost}, {@code batchKey}), and offers the request to the queue.
 * Every refusal comes back as an already-failed future with a typed error naming the model and what was expected;
 * nothing is queued for it.
 *
 * <p>The scheduling instance is one handler, initialized with worker id −1, that never runs batches; it exists
 * only when the handler overrides one of those hooks, so a handler without them never runs on a caller's thread.
 */
final class Admission {
  private final ModelVersion version;
  private final ModelConfig config;
  private final Class<?> inputType;
  /** Whether the handler overrides {@code prepare}. */
  private final boolean prepares;
  private final boolean needsSchedulingInstance;
  /** Null when caching is off. */
  private final ResponseCache cache;
  /** Numbers requests (events carry the number, so a listener can pair a request's events). */
  private final AtomicLong requestIds = new AtomicLong();
  private volatile Handler<Object, Object> scheduling;
  private WorkerContext schedulingContext;

  Admission(ModelVersion version, HandlerDeclaration declared) {
    this.version = version;
    this.config = version.config;
    this.inputType = declared.inputType();
    this.prepares = declared.prepares();
    this.needsSchedulingInstance = declared.needsSchedulingInstance();
    this.cache = config.responseCacheSize() == 0 ? null : new ResponseCache(config);
  }

  /** Initializes the scheduling instance if the handler needs one. */
  void start() {
    if (!needsSchedulingInstance) {
      return;
    }
    Handler<Object, Object> h = version.newHandler();
    schedulingContext = new WorkerContext(version, -1, config.devices().get(0));
    try {
      h.initialize(schedulingContext);
      scheduling = h;
    } catch (Exception e) {
      version.closeQuietly(h);
      schedulingContext.closeModels();
      throw new HandlerException(version.label() + ": the scheduling instance of the handler (for cost/batchKey)"
          + " failed to initialize: " + e, e);
    }
  }

  /** Closes the scheduling instance; after the version stopped accepting and drained. */
  void close() {
    Handler<Object, Object> s = scheduling;
    scheduling = null;
    if (s != null) {
      version.closeQuietly(s);
      schedulingContext.closeModels();
    }
  }

  /** Queues one request; failures (bad input, full queue, closed) come back as an already-failed future. */
  CompletableFuture<Object> submit(Object input, Duration timeout, int priority) {
    if (input == null || !inputType.isInstance(input)) {
      return CompletableFuture.failedFuture(new InvalidInputException(version.label() + ": input must be a "
          + inputType.getName() + ", was " + (input == null ? "null" : input.getClass().getName())));
    }
    if (priority >= config.priorityLevels()) {
      return CompletableFuture.failedFuture(new InvalidInputException(version.label() + ": priority " + priority
          + " is out of range 0.." + (config.priorityLevels() - 1) + " (priorityLevels " + config.priorityLevels()
          + ")"));
    }
    if (version.isClosed()) {
      return reject(new ServerClosedException(version.label() + " is closed or draining"));
    }
    Handler<Object, Object> s = scheduling;
    if (s == null) {
      return enqueue(input, input, version.now(), timeout, priority, 1, null);
    }
    Object cacheKey;
    try {
      cacheKey = cache == null ? null : s.cacheKey(input);
    } catch (RuntimeException e) {
      return hookFailed("cacheKey", e);
    }
    if (cacheKey == null) {
      return admit(s, input, timeout, priority);
    }
    ResponseCache.Lookup lookup = cache.get(cacheKey, () -> admit(s, input, timeout, priority));
    (lookup.miss() ? version.stats.cacheMisses : version.stats.cacheHits).increment();
    version.events.cacheLookup(!lookup.miss());
    return lookup.future();
  }

  /** Runs the per-request hooks on the caller's thread (prepare, cost, batch key), then queues the request. */
  private CompletableFuture<Object> admit(Handler<Object, Object> s, Object input, Duration timeout, int priority) {
    long arrival = version.now();
    Object prepared = input;
    if (prepares) {
      try {
        prepared = s.prepare(input);
      } catch (ServingException e) {
        return failPrepare(arrival, e);
      } catch (Exception e) {
        return failPrepare(arrival, new HandlerException(version.label() + ": handler '" + version.handlerName
            + "' threw from prepare(): " + e, e));
      }
      if (prepared == null) {
        return failPrepare(arrival, new HandlerException(version.label() + ": prepare returned null; expected the "
            + "prepared item"));
      }
      version.events.prepared(version.now() - arrival, false);
    }
    long cost;
    Object key;
    String hook = "cost";
    try {
      cost = s.cost(input, prepared);
      hook = "batchKey";
      key = s.batchKey(input, prepared);
    } catch (RuntimeException e) {
      return hookFailed(hook, e);
    }
    if (cost < 0) {
      return CompletableFuture.failedFuture(new InvalidInputException(version.label() + ": the handler gave this "
          + "input a negative cost (" + cost + ")"));
    }
    return enqueue(input, prepared, arrival, timeout, priority, cost, key);
  }

  /** A ServingException is the handler's own verdict (say InvalidInputException); anything else is its bug. */
  private CompletableFuture<Object> hookFailed(String hook, RuntimeException e) {
    return CompletableFuture.failedFuture(e instanceof ServingException ? e
        : new HandlerException(version.label() + ": handler '" + version.handlerName + "' threw from " + hook
            + "(): " + e, e));
  }

  /** A request refused by its own preparation is counted as rejected: it never entered the queue. */
  private CompletableFuture<Object> failPrepare(long arrival, RuntimeException error) {
    version.events.prepared(version.now() - arrival, true);
    return reject(error);
  }

  private CompletableFuture<Object> enqueue(Object input, Object prepared, long arrival, Duration timeout,
      int priority, long cost, Object key) {
    long now = version.now();
    Duration t = timeout != null ? timeout : config.timeoutFor(priority);
    long deadline = t.isZero() ? Long.MAX_VALUE : arrival + t.toNanos();
    if (deadline != Long.MAX_VALUE && now - deadline >= 0) {
      return CompletableFuture.failedFuture(new DeadlineExceededException(version.label() + ": deadline passed "
          + "after " + (now - arrival) / 1_000_000 + "ms while preparing (timeout " + t.toMillis() + "ms)"));
    }
    RequestFuture future = new RequestFuture(version);
    long id = requestIds.incrementAndGet();
    Request r = new Request(id, version.events.traceRequest(id), input, prepared, future, arrival, deadline,
        priority, cost, key);
    future.bind(r);
    version.outcomes.accepted();
    RequestQueue.Offer offer = version.queue.offer(r);
    if (offer != RequestQueue.Offer.ACCEPTED) {
      version.outcomes.answered();
      version.outcomes.released();
      RuntimeException reason = switch (offer) {
        case FULL -> new QueueFullException(version.label() + ": queue is full (maxQueueSize "
            + config.maxQueueSize() + ")");
        case LEVEL_FULL -> new QueueFullException(version.label() + ": queue of priority level " + priority
            + " is full (priorityQueueLimits[" + priority + "] = " + config.queueLimitFor(priority) + ")");
        default -> new ServerClosedException(version.label() + " is closed or draining");
      };
      r.trace.rejected(reason);
      return reject(reason);
    }
    version.stats.accepted.increment();
    version.events.accepted(id);
    version.used(now);
    if (deadline != Long.MAX_VALUE) {
      version.deadlines.arm(deadline);
    }
    return future;
  }

  private CompletableFuture<Object> reject(RuntimeException reason) {
    version.stats.rejected.increment();
    version.events.rejected(reason);
    return CompletableFuture.failedFuture(reason);
  }
}
