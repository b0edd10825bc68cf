package dev.serving4j.internal;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The future a caller gets for one accepted request. Whichever path completes it first — a worker's answer, a
 * failure, the deadline timer, a close, or the caller's own {@code cancel} — claims it, and the version accounts for
 * the outcome (counts, meters, listeners) <em>before</em> the caller can see it, then releases its in-flight slot
 * after. So a caller that got an answer always finds it counted in {@code describe()} and the meters, and
 * {@code close()} never returns while a future it waited for is still pending.
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
    version.accountFor(request, null);
    boolean done = super.complete(value);
    version.released(request);
    return done;
  }

  @Override
  public boolean completeExceptionally(Throwable error) {
    if (!claimed.compareAndSet(false, true)) {
      return false;
    }
    version.accountFor(request, error);
    boolean done = super.completeExceptionally(error);
    version.released(request);
    return done;
  }

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    if (!claimed.compareAndSet(false, true)) {
      return false;
    }
    version.accountFor(request, new CancellationException());
    boolean done = super.cancel(mayInterruptIfRunning);
    version.released(request);
    return done;
  }
}
