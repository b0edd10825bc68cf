package dev.serving4j.internal;

import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The future a caller gets for one accepted request. Whichever path completes it first — a worker's answer, a
 * failure, the deadline timer, a close, or the caller's own {@code cancel} — claims it, and the version accounts for
 * the outcome (counts, meters, listeners) <em>before</em> the caller can see it, then releases its in-flight slot
 * after. So a caller that got an answer always finds it counted in {@code describe()} and the meters, and
 * {@code close()} never returns while a future it waited for is still pending.
 *
 * <p>No door of {@link CompletableFuture} goes around the claim: {@code completeAsync} is rerouted through
 * {@link #complete}; {@code completeOnTimeout} and {@code orTimeout} already call {@link #complete} and
 * {@link #completeExceptionally} (a test pins that); {@code obtrudeValue} and {@code obtrudeException} would
 * overwrite an outcome that was already counted, or complete a queued request behind the queue's back (which then
 * never releases its drain slot), so they are refused.
 */
final class RequestFuture extends CompletableFuture<Object> {
  private final AtomicBoolean claimed = new AtomicBoolean();
  private final ModelVersion version;
  private Request request; // set once, before the future is shared

  RequestFuture(ModelVersion version) {
    this.version = version;
  }

  void bind(Request r) {
    request = r;
  }

  @Override
  public boolean complete(Object value) {
    if (!claimed.compareAndSet(false, true)) {
      return false;
    }
    version.outcomes.accountFor(request, null);
    boolean done = super.complete(value);
    version.outcomes.released();
    return done;
  }

  @Override
  public boolean completeExceptionally(Throwable error) {
    if (!claimed.compareAndSet(false, true)) {
      return false;
    }
    version.outcomes.accountFor(request, error);
    boolean done = super.completeExceptionally(error);
    version.outcomes.released();
    return done;
  }

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    if (!claimed.compareAndSet(false, true)) {
      return false;
    }
    version.outcomes.accountFor(request, new CancellationException());
    boolean done = super.cancel(mayInterruptIfRunning);
    version.outcomes.released();
    return done;
  }

  /** Like {@link CompletableFuture#completeAsync(Supplier, Executor)}, but completes through the claim. */
  @Override
  public CompletableFuture<Object> completeAsync(Supplier<?> supplier, Executor executor) {
    Objects.requireNonNull(supplier, "supplier");
    Objects.requireNonNull(executor, "executor");
    executor.execute(() -> {
      if (isDone()) {
        return;
      }
      try {
        complete(supplier.get());
      } catch (Throwable t) {
        completeExceptionally(t);
      }
    });
    return this;
  }

  /** Like {@link CompletableFuture#completeAsync(Supplier)}, but completes through the claim. */
  @Override
  public CompletableFuture<Object> completeAsync(Supplier<?> supplier) {
    return completeAsync(supplier, defaultExecutor());
  }

  /**
   * Waits for the answer. A lone queued request may first be run on this thread ({@link CallerRuns}); one due within
   * microseconds is waited for on the CPU first (see {@link Outcomes}).
   */
  @Override
  public Object get() throws InterruptedException, ExecutionException {
    beforeWaiting();
    return super.get();
  }

  /** The caller's help before it parks: run its lone request itself, or spin briefly for a fast answer. */
  void beforeWaiting() {
    if (!isDone()) {
      version.callerRuns.beforeWaiting(request);
    }
  }

  /** Like {@link #get()}, for at most {@code timeout}. */
  @Override
  public Object get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException,
      TimeoutException {
    if (!isDone()) {
      version.callerRuns.beforeWaiting(request, timeout, unit);
    }
    return super.get(timeout, unit);
  }

  /** Like {@link #get()}, unchecked. */
  @Override
  public Object join() {
    beforeWaiting();
    return super.join();
  }

  /**
   * Every stage chained on this future ({@code thenApply}, the typed client's view, a caller's own stages) is a
   * {@link Dependent}: a thread that waits on it helps this request first, as one waiting here would.
   */
  @Override
  public <U> CompletableFuture<U> newIncompleteFuture() {
    return new Dependent<>(this);
  }

  /** A stage that depends, directly or through other stages, on a request's future. */
  private static final class Dependent<T> extends CompletableFuture<T> {
    private final RequestFuture request;

    Dependent(RequestFuture request) {
      this.request = request;
    }

    @Override
    public T get() throws InterruptedException, ExecutionException {
      request.beforeWaiting();
      return super.get();
    }

    @Override
    public T join() {
      request.beforeWaiting();
      return super.join();
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
      return new Dependent<>(request);
    }
  }

  /** Refused: a request's outcome is counted when it is claimed and cannot be replaced. */
  @Override
  public void obtrudeValue(Object value) {
    throw refused("obtrudeValue");
  }

  /** Refused: a request's outcome is counted when it is claimed and cannot be replaced. */
  @Override
  public void obtrudeException(Throwable error) {
    throw refused("obtrudeException");
  }

  private UnsupportedOperationException refused(String method) {
    return new UnsupportedOperationException(version.label() + ": " + method + " is not supported on a request's "
        + "future (its outcome is counted once and is final); use complete, completeExceptionally or cancel");
  }
}
