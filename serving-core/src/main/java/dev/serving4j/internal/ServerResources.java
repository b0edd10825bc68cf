package dev.serving4j.internal;

import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * What one server's model versions share: the timer thread that expires deadlines and aborts over-long batches,
 * and the restart policy. One instance per {@code ModelServer}; nothing here is static.
 */
public final class ServerResources implements AutoCloseable {
  final ScheduledThreadPoolExecutor timer;
  final Duration restartBackoffInitial;
  final Duration restartBackoffMax;
  final String name;
  final dev.serving4j.Ticker ticker;

  /** Creates the resources; {@code name} prefixes thread names; {@code ticker} times scheduling decisions. */
  public ServerResources(String name, Duration restartBackoffInitial, Duration restartBackoffMax,
      dev.serving4j.Ticker ticker) {
    this.name = name;
    this.ticker = ticker;
    this.restartBackoffInitial = restartBackoffInitial;
    this.restartBackoffMax = restartBackoffMax;
    this.timer = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, name + "-timer");
      t.setDaemon(true);
      return t;
    });
    timer.setRemoveOnCancelPolicy(true);
    timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
