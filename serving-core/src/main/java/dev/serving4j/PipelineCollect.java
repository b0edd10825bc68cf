package dev.serving4j;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/** Gathers a fan-out's items back into one list, in item order, by an {@link ItemFailure} policy. */
final class PipelineCollect {
  private PipelineCollect() {}

  /** The collected list; under FAIL_PIPELINE it fails as soon as one item fails, without waiting for the rest. */
  static CompletableFuture<Object> gather(ItemFailure policy, List<CompletableFuture<Object>> items) {
    CompletableFuture<Object> out = new CompletableFuture<>();
    if (items.isEmpty()) {
      out.complete(List.of());
      return out;
    }
    AtomicInteger left = new AtomicInteger(items.size());
    for (CompletableFuture<Object> item : items) {
      item.whenComplete((v, e) -> {
        if (e != null && policy == ItemFailure.FAIL_PIPELINE) {
          out.completeExceptionally(PipelineRun.unwrap(e));
        } else if (left.decrementAndGet() == 0) {
          out.complete(collected(policy, items));
        }
      });
    }
    return out;
  }

  /** Every item is done here. */
  private static List<PipelineItem<Object>> collected(ItemFailure policy, List<CompletableFuture<Object>> items) {
    List<PipelineItem<Object>> list = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      CompletableFuture<Object> item = items.get(i);
      if (!item.isCompletedExceptionally()) {
        list.add(new PipelineItem<>(i, item.join(), null));
      } else if (policy == ItemFailure.KEEP) {
        list.add(new PipelineItem<>(i, null, errorOf(item)));
      }
    }
    return List.copyOf(list);
  }

  private static Throwable errorOf(CompletableFuture<Object> failed) {
    try {
      failed.join();
      throw new IllegalStateException("not failed");
    } catch (java.util.concurrent.CancellationException e) {
      return e;
    } catch (java.util.concurrent.CompletionException e) {
      return PipelineRun.unwrap(e);
    }
  }
}
