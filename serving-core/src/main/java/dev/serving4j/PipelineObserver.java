package dev.serving4j;

import dev.serving4j.ServingEventListener.Outcome;
import dev.serving4j.ServingEventListener.PipelineNodeFinished;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-node meters and events of one pipeline: the timer {@code serving4j.pipeline.node.latency} tagged
 * {@code pipeline}, {@code node}, {@code outcome} in the server's registry (one sample per node run, so per item
 * inside a fan-out), and {@link ServingEventListener#pipelineNodeFinished} to the server's listeners. Timers are
 * made once, at build, so a node run only records.
 */
final class PipelineObserver {
  private static final Logger log = LoggerFactory.getLogger(PipelineObserver.class);

  private final String pipeline;
  private final Timer[][] timers; // [node id][outcome ordinal], null without a registry
  private final List<ServingEventListener> listeners;

  PipelineObserver(String pipeline, List<PipelineNode> nodes, int slots, MeterRegistry registry,
      List<ServingEventListener> listeners) {
    this.pipeline = pipeline;
    this.listeners = listeners;
    this.timers = registry == null ? null : new Timer[slots][];
    if (registry != null) {
      for (PipelineNode n : nodes) {
        timers[n.id] = new Timer[Outcome.values().length];
        for (Outcome o : Outcome.values()) {
          timers[n.id][o.ordinal()] = Timer.builder("serving4j.pipeline.node.latency")
              .description("Time from a pipeline node's start to its end, per run (per item in a fan-out)")
              .tag("pipeline", pipeline).tag("node", n.name)
              .tag("outcome", o.name().toLowerCase(java.util.Locale.ROOT))
              .register(registry);
        }
      }
    }
  }

  void finished(PipelineNode n, int item, long nanos, Throwable error) {
    Outcome outcome = outcomeOf(error);
    if (timers != null) {
      timers[n.id][outcome.ordinal()].record(nanos, TimeUnit.NANOSECONDS);
    }
    if (listeners.isEmpty()) {
      return;
    }
    PipelineNodeFinished event = new PipelineNodeFinished(pipeline, n.name, n.model, item, outcome,
        Duration.ofNanos(nanos), error);
    for (ServingEventListener l : listeners) {
      try {
        l.pipelineNodeFinished(event);
      } catch (RuntimeException e) {
        log.warn("listener {} threw from pipelineNodeFinished; ignored", l, e);
      }
    }
  }

  private static Outcome outcomeOf(Throwable error) {
    if (error == null) {
      return Outcome.SUCCESS;
    }
    if (error instanceof CancellationException) {
      return Outcome.CANCELLED;
    }
    return error instanceof DeadlineExceededException ? Outcome.EXPIRED : Outcome.FAILED;
  }
}
