package dev.serving4j.examples;

import java.io.PrintWriter;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A one-line progress bar redrawn in place with a carriage return, or, when there is no terminal (a pipe, a test,
 * CI), one plain line per quarter of the work.
 *
 * <p>Callers only bump an atomic counter; a daemon thread draws five times a second, so 64 client threads never
 * contend on the output stream.
 */
final class ProgressBar implements AutoCloseable {
  private static final int WIDTH = 30;

  private final PrintWriter out;
  private final boolean terminal;
  private final String label;
  private final int total;
  private final long start = System.nanoTime();
  private final AtomicInteger done = new AtomicInteger();
  private final ScheduledExecutorService painter;
  private int quartersShown;

  /**
   * Starts drawing.
   *
   * @param terminal true to redraw one line in place, false for plain lines
   */
  ProgressBar(PrintWriter out, boolean terminal, String label, int total) {
    this.out = out;
    this.terminal = terminal;
    this.label = label;
    this.total = total;
    this.painter = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "progress-" + label);
      t.setDaemon(true);
      return t;
    });
    painter.scheduleAtFixedRate(this::paint, 200, 200, TimeUnit.MILLISECONDS);
  }

  /** True when standard output is an interactive terminal. */
  static boolean isTerminal() {
    return System.console() != null;
  }

  /** Counts one finished request. Thread-safe. */
  void step() {
    done.incrementAndGet();
  }

  private synchronized void paint() {
    int n = done.get();
    double seconds = Math.max(1e-9, (System.nanoTime() - start) / 1e9);
    if (terminal) {
      int filled = (int) ((long) WIDTH * n / Math.max(1, total));
      out.printf("\r%-10s [%s%s] %5d/%d %3d%% %6.0f req/s", label, "#".repeat(filled), ".".repeat(WIDTH - filled),
          n, total, 100L * n / Math.max(1, total), n / seconds);
      out.flush();
    } else if (4L * n / Math.max(1, total) > quartersShown) {
      quartersShown = (int) (4L * n / Math.max(1, total));
      out.printf("%-10s %5d/%d done (%d%%), %.0f req/s%n", label, n, total, 100L * n / Math.max(1, total),
          n / seconds);
      out.flush();
    }
  }

  /** Draws the final state and stops drawing. */
  @Override
  public void close() {
    painter.shutdownNow();
    try {
      painter.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    paint();
    if (terminal) {
      out.println();
      out.flush();
    }
  }
}
