package dev.serving4j.benchmarks;

import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A progress bar on standard error: redrawn in place on a terminal, one line per quarter otherwise (CI logs).
 * Callers only bump a counter; whoever crosses a drawing step draws, so 64 clients never queue on the stream.
 */
final class Progress {
  private static final int WIDTH = 30;

  private final PrintStream out;
  private final boolean terminal;
  private final String label;
  private final int total;
  private final int step;
  private final AtomicInteger done = new AtomicInteger();

  Progress(PrintStream out, String label, int total) {
    this.out = out;
    this.terminal = System.console() != null;
    this.label = label;
    this.total = Math.max(1, total);
    this.step = terminal ? Math.max(1, total / 100) : Math.max(1, (total + 3) / 4);
  }

  /** Counts one completed request. */
  void step() {
    int n = done.incrementAndGet();
    if (n % step == 0 || n == total) {
      draw(n);
    }
  }

  private synchronized void draw(int n) {
    int filled = (int) ((long) WIDTH * n / total);
    String bar = "#".repeat(filled) + ".".repeat(WIDTH - filled);
    String line = String.format("%-28s [%s] %d/%d", label, bar, n, total);
    if (terminal) {
      out.print("\r" + line + (n == total ? "\n" : ""));
    } else {
      out.println(line);
    }
    out.flush();
  }
}
