package dev.serving4j.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU, heap and resident memory of this JVM, for the report. */
final class ProcessStats {
  private static final Path STATUS = Path.of("/proc/self/status");

  private final long startCpuNanos = cpuNanos();
  private final long startNanos = System.nanoTime();

  /** Process CPU time since construction over wall time times the cores, in percent (NaN if unknown). */
  double cpuPercent() {
    long cpu = cpuNanos();
    if (cpu < 0 || startCpuNanos < 0) {
      return Double.NaN;
    }
    double wall = System.nanoTime() - startNanos;
    return 100.0 * (cpu - startCpuNanos) / (wall * Runtime.getRuntime().availableProcessors());
  }

  /** Heap in use, MiB. */
  static double heapMb() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1048576.0;
  }

  /** Resident set size from {@code /proc/self/status} (VmRSS), MiB; NaN where there is no procfs. */
  static double rssMb() {
    try {
      for (String line : Files.readAllLines(STATUS)) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
        }
      }
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
    return Double.NaN;
  }

  /** This process's CPU time in nanoseconds, or -1 when the JVM cannot tell. */
  static long cpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }
}
