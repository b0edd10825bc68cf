package dev.serving4j;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Callable;

/**
 * One call of a {@link Pipeline}: evaluates its nodes as futures, in definition order (inputs before users, so no
 * ordering beyond that is needed), and owns what the call shares across nodes.
 *
 * <p><b>Deadline.</b> Measured from the call on the server's {@link Ticker}; each model call gets the time left as
 * its {@link PredictOptions#timeout}, and a node that would start after the deadline fails at once with
 * {@link DeadlineExceededException} instead of queueing.
 *
 * <p><b>Cancellation.</b> Every model call's future is tracked. When the call's result completes for any reason
 * (cancelled by the caller, failed by a node or by {@link ItemFailure#FAIL_PIPELINE}), every tracked call is
 * cancelled, which removes the ones still queued from their model's queue; a node that would start afterwards does
 * not. A future tracked after that moment is cancelled by {@link #track} itself, so no call slips through.
 *
 * <p><b>Threads.</b> Each node runs on the pipeline's executor once its inputs are there: a model worker that
 * completes a node's future only hands off, and goes back to its next batch instead of running glue or the next
 * model's {@code prepare}.
 */
final class PipelineRun<O> {
  private static final long NO_DEADLINE = Long.MAX_VALUE;

  private final Pipeline<?, O> pipeline;
  private final Object[] slots;
  private final Queue<CompletableFuture<?>> calls = new ConcurrentLinkedQueue<>();
  private final long startNanos;
  private final long deadlineNanos;
  private final Duration timeout;
  final CompletableFuture<O> result = new CompletableFuture<>();

  /** @param timeout null: each model's own default; zero: no deadline; else the call's deadline from now */
  PipelineRun(Pipeline<?, O> pipeline, Duration timeout) {
    this.pipeline = pipeline;
    this.slots = new Object[pipeline.slotCount()];
    this.timeout = timeout;
    this.startNanos = pipeline.ticker().read();
    this.deadlineNanos = timeout == null || timeout.isZero() ? NO_DEADLINE : startNanos + timeout.toNanos();
  }

  @SuppressWarnings("unchecked")
  CompletableFuture<O> start(Object input) {
    result.whenComplete((v, e) -> calls.forEach(c -> c.cancel(false)));
    for (PipelineNode n : pipeline.nodes) {
      slots[n.id] = switch (n.kind) {
        case INPUT -> CompletableFuture.completedFuture(input);
        case VALUE -> whenAll(valuesOf(n.inputs), args -> n.op.apply(this, n, -1, args));
        case FAN_OUT -> whenAll(valuesOf(n.inputs), args -> n.op.apply(this, n, -1, args))
            .thenApply(list -> asItems((List<?>) list));
        case ITEMS -> perItem(n);
        case COLLECT -> items(n.inputs.get(0)).thenCompose(list -> PipelineCollect.gather(n.policy, list));
      };
    }
    value(pipeline.output).whenCompleteAsync((v, e) -> {
      if (e == null) {
        result.complete((O) v);
      } else {
        result.completeExceptionally(unwrap(e));
      }
    }, pipeline.executor);
    return result;
  }

  private static List<CompletableFuture<Object>> asItems(List<?> list) {
    List<CompletableFuture<Object>> items = new ArrayList<>(list.size());
    list.forEach(item -> items.add(CompletableFuture.completedFuture(item)));
    return items;
  }

  /** A per-item node: once its inputs' item lists are known, item i runs when item i of every input is done. */
  private CompletableFuture<List<CompletableFuture<Object>>> perItem(PipelineNode n) {
    List<CompletableFuture<List<CompletableFuture<Object>>>> lists = new ArrayList<>();
    n.inputs.forEach(in -> lists.add(items(in)));
    return CompletableFuture.allOf(lists.toArray(CompletableFuture[]::new)).thenApply(x -> {
      int size = lists.get(0).join().size();
      List<CompletableFuture<Object>> out = new ArrayList<>(size);
      for (int i = 0; i < size; i++) {
        int item = i;
        List<CompletableFuture<Object>> args = new ArrayList<>();
        lists.forEach(l -> args.add(l.join().get(item)));
        out.add(whenAll(args, a -> n.op.apply(this, n, item, a)));
      }
      return out;
    });
  }

  private CompletableFuture<Object> whenAll(List<CompletableFuture<Object>> args,
      java.util.function.Function<Object[], CompletableFuture<Object>> then) {
    return CompletableFuture.allOf(args.toArray(CompletableFuture[]::new))
        .thenComposeAsync(x -> then.apply(args.stream().map(CompletableFuture::join).toArray()), pipeline.executor);
  }

  private List<CompletableFuture<Object>> valuesOf(List<PipelineNode> nodes) {
    List<CompletableFuture<Object>> values = new ArrayList<>(nodes.size());
    nodes.forEach(n -> values.add(value(n)));
    return values;
  }

  @SuppressWarnings("unchecked")
  private CompletableFuture<Object> value(PipelineNode n) {
    return (CompletableFuture<Object>) slots[n.id];
  }

  @SuppressWarnings("unchecked")
  private CompletableFuture<List<CompletableFuture<Object>>> items(PipelineNode n) {
    return (CompletableFuture<List<CompletableFuture<Object>>>) slots[n.id];
  }

  /** Calls a model node with the time left, tracked for cancellation and observed. */
  CompletableFuture<Object> callModel(PipelineNode n, int item, Object input) {
    long start = pipeline.ticker().read();
    CompletableFuture<Object> call = refusal(n, start);
    if (call == null) {
      try {
        call = n.client.predict(input, options(start));
      } catch (RuntimeException e) {
        call = CompletableFuture.failedFuture(e);
      }
      track(call);
    }
    return observed(n, item, start, call);
  }

  /** Runs a function node on this thread; a ServingException is kept, anything else becomes a HandlerException. */
  CompletableFuture<Object> callFunction(PipelineNode n, int item, Callable<?> function) {
    long start = pipeline.ticker().read();
    CompletableFuture<Object> call = refusal(n, start);
    if (call == null) {
      try {
        Object value = function.call();
        call = value != null ? CompletableFuture.completedFuture(value) : CompletableFuture.failedFuture(
            new HandlerException(pipeline.label(n) + " returned null; expected a value"));
      } catch (ServingException e) {
        call = CompletableFuture.failedFuture(e);
      } catch (Exception e) {
        call = CompletableFuture.failedFuture(new HandlerException(pipeline.label(n) + " threw: " + e, e));
      }
    }
    return observed(n, item, start, call);
  }

  /** Why the node must not start (the call is over, or its deadline passed), or null when it may. */
  private CompletableFuture<Object> refusal(PipelineNode n, long now) {
    if (result.isDone()) {
      return CompletableFuture.failedFuture(new CancellationException(pipeline.label(n) + " not started: the "
          + "pipeline call is already over"));
    }
    if (deadlineNanos != NO_DEADLINE && now - deadlineNanos >= 0) {
      return CompletableFuture.failedFuture(new DeadlineExceededException(pipeline.label(n) + ": deadline passed "
          + "after " + (now - startNanos) / 1_000_000 + "ms before the node could start (pipeline timeout "
          + timeout.toMillis() + "ms)"));
    }
    return null;
  }

  private PredictOptions options(long now) {
    if (timeout == null) {
      return PredictOptions.DEFAULTS;
    }
    return PredictOptions.ofTimeout(deadlineNanos == NO_DEADLINE ? Duration.ZERO
        : Duration.ofNanos(deadlineNanos - now));
  }

  private void track(CompletableFuture<?> call) {
    calls.add(call);
    if (result.isDone()) {
      call.cancel(false); // the result completed while this call was being made: its sweep may have missed it
    }
  }

  /** The call, completing only after its meters and events are recorded, so a caller who saw it sees them. */
  private CompletableFuture<Object> observed(PipelineNode n, int item, long start, CompletableFuture<Object> call) {
    return call.whenComplete((v, e) -> pipeline.observer.finished(n, item, pipeline.ticker().read() - start,
        unwrap(e)));
  }

  static Throwable unwrap(Throwable e) {
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}
