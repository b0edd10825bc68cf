package dev.serving4j.reliability;

import dev.serving4j.Batch;
import dev.serving4j.Handler;
import dev.serving4j.HandlerContext;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A handler that injects the faults each request asks for, in the stage it names: whole-batch exceptions in each
 * stage, per-item failures, malformed results (more outputs than items, or a null entry), slow batches,
 * hangs past the inference timeout and {@link Error}s that kill the worker. A batch whose first id is odd answers
 * with the short result shape (one entry per item not failed), the others with one entry per item.
 * Initialization is slow or fails on its own, decided by the seed and the instance's number, so a run is replayed
 * exactly by its seed (only the thread interleaving differs).
 *
 * <p>The answer to request {@code id} is {@code "out-" + id}, and {@link Chaos#delivered} counts, per id, how often
 * a batch holding it ran to the end of postprocess with an answer for it (in a well-formed result, not null): a
 * request answered twice would show up there. One run may legitimately be discarded: when the inference-timeout
 * watchdog takes a batch that finished just as it fired, the worker is retired and the requests run again. An
 * instance closed without crashing during the storm was retired that way, so on close it records its last batch's
 * ids in {@link Chaos#discarded}.
 */
final class ChaosHandler implements Handler<ChaosHandler.Call, String> {
  /** What a request asks the handler to do to its batch. */
  enum Fault {
    NONE, ITEM_FAIL, THROW_PREPROCESS, THROW_INFERENCE, THROW_POSTPROCESS, MALFORMED, NULL_OUTPUT, SLOW, HANG, CRASH;

    /** True for a request that asks for nothing that should fail it: whatever fails it is a neighbour's fault. */
    boolean innocent() {
      return this == NONE || this == SLOW;
    }
  }

  /** One request: its id (an index into the test's arrays) and its fault. */
  record Call(int id, Fault fault) {}

  /** The Error a CRASH request throws: the worker must die and be restarted. */
  static final class ChaosError extends Error {
    private static final long serialVersionUID = 1L;

    ChaosError(String message) {
      super(message);
    }
  }

  /** Shared by every instance a server creates: the seed, the switches and what was injected. */
  static final class Chaos {
    final long seed;
    final long hangMillis;
    final AtomicIntegerArray delivered;
    /** Per id: answers given by an instance that was then retired, which serving4j may have discarded. */
    final AtomicIntegerArray discarded;
    final Map<Fault, LongAdder> injected = new EnumMap<>(Fault.class);
    final LongAdder slowInitializations = new LongAdder();
    final LongAdder failedInitializations = new LongAdder();
    final AtomicLong instances = new AtomicLong();
    /** Once true, initialize neither stalls nor fails (the recovery phase). */
    volatile boolean calm;

    Chaos(long seed, int requests, long hangMillis) {
      this.seed = seed;
      this.hangMillis = hangMillis;
      this.delivered = new AtomicIntegerArray(requests);
      this.discarded = new AtomicIntegerArray(requests);
      for (Fault f : Fault.values()) {
        injected.put(f, new LongAdder());
      }
    }

    long injected(Fault f) {
      return injected.get(f).sum();
    }

    long totalInjected() {
      long sum = slowInitializations.sum() + failedInitializations.sum();
      for (Fault f : Fault.values()) {
        sum += f == Fault.NONE ? 0 : injected(f);
      }
      return sum;
    }
  }

  private final Chaos chaos;
  /** Ids this instance answered in its latest batch (worker thread only). */
  private final List<Integer> lastDelivered = new ArrayList<>();

  ChaosHandler(Chaos chaos) {
    this.chaos = chaos;
  }

  /** Closed after a crash (its latest batch answered nobody), a retirement, or at the end. */
  @Override
  public void close() {
    lastDelivered.forEach(chaos.discarded::incrementAndGet);
  }

  @Override
  public void initialize(HandlerContext context) throws InterruptedException {
    long n = chaos.instances.getAndIncrement();
    if (chaos.calm || n == 0) {
      return; // the first worker always starts, so registration itself is not a coin toss
    }
    Random r = new Random(chaos.seed * 31 + n);
    if (r.nextInt(100) < 30) {
      chaos.slowInitializations.increment();
      TimeUnit.MILLISECONDS.sleep(1 + r.nextInt(20));
    }
    if (r.nextInt(100) < 15) {
      chaos.failedInitializations.increment();
      throw new IllegalStateException("chaos: initialize of instance " + n + " failed on purpose");
    }
  }

  @Override
  public Class<?> inputType() {
    return Call.class;
  }

  @Override
  public Object preprocess(Batch<Call> batch) throws IOException {
    lastDelivered.clear();
    if (first(batch, Fault.THROW_PREPROCESS) >= 0) {
      inject(Fault.THROW_PREPROCESS);
      throw new IOException("chaos: preprocess failed on purpose");
    }
    return batch.inputs();
  }

  @Override
  public Object inference(Object preprocessed, Batch<Call> batch) throws Exception {
    if (first(batch, Fault.CRASH) >= 0) {
      inject(Fault.CRASH);
      throw new ChaosError("chaos: worker killed on purpose");
    }
    if (first(batch, Fault.HANG) >= 0) {
      inject(Fault.HANG);
      TimeUnit.MILLISECONDS.sleep(chaos.hangMillis); // interrupted by the inference-timeout watchdog
    }
    if (first(batch, Fault.THROW_INFERENCE) >= 0) {
      inject(Fault.THROW_INFERENCE);
      throw new IllegalStateException("chaos: inference failed on purpose");
    }
    if (first(batch, Fault.SLOW) >= 0) {
      inject(Fault.SLOW);
      TimeUnit.MILLISECONDS.sleep(2);
    }
    for (int i = 0; i < batch.size(); i++) {
      if (batch.input(i).fault() == Fault.ITEM_FAIL) {
        inject(Fault.ITEM_FAIL);
        batch.fail(i, new IllegalArgumentException("chaos: item " + batch.input(i).id() + " failed on purpose"));
      }
    }
    return preprocessed;
  }

  @Override
  public List<String> postprocess(Object inferred, Batch<Call> batch) throws IOException {
    if (first(batch, Fault.THROW_POSTPROCESS) >= 0) {
      inject(Fault.THROW_POSTPROCESS);
      throw new IOException("chaos: postprocess failed on purpose");
    }
    boolean malformed = first(batch, Fault.MALFORMED) >= 0;
    // Short shape only when well-formed: a short list plus one could have the length of the full one.
    boolean shortShape = !malformed && batch.input(0).id() % 2 == 1;
    List<String> out = new ArrayList<>(batch.size() + 1);
    for (int i = 0; i < batch.size(); i++) {
      Call call = batch.input(i);
      if (batch.isFailed(i)) {
        if (!shortShape) {
          out.add(null);
        }
      } else if (call.fault() == Fault.NULL_OUTPUT) {
        inject(Fault.NULL_OUTPUT);
        out.add(null);
      } else {
        out.add("out-" + call.id());
        if (!malformed) {
          chaos.delivered.incrementAndGet(call.id());
          lastDelivered.add(call.id());
        }
      }
    }
    if (malformed) {
      inject(Fault.MALFORMED);
      out.add("chaos: one output too many on purpose");
    }
    return out;
  }

  private void inject(Fault f) {
    chaos.injected.get(f).increment();
  }

  private static int first(Batch<Call> batch, Fault fault) {
    for (int i = 0; i < batch.size(); i++) {
      if (batch.input(i).fault() == fault) {
        return i;
      }
    }
    return -1;
  }
}
