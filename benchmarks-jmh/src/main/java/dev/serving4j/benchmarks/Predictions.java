package dev.serving4j.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Writes the model-guided search's {@code predictions.csv}: every combination's predicted throughput, p99 and mean
 * batch, in the order the search ranked them, next to what was measured where it was measured (empty otherwise),
 * so a reader can see how good the predictions were and why the search measured what it did.
 */
final class Predictions {
  private Predictions() {}

  /** Writes {@code dir/predictions.csv} and returns its path. */
  static Path write(Path dir, List<SlaPredictor.Prediction> ranked, List<Measurement> measured, boolean openLoop,
      double slaP99Millis) {
    Map<Combination, Measurement> byPoint = measured.stream()
        .collect(Collectors.toMap(Measurement::combination, Function.identity(), (a, b) -> a));
    List<String> lines = new ArrayList<>();
    lines.add("rank,combination,predicted_rps,predicted_p99_ms,predicted_mean_batch,predicted_meets_sla,"
        + "measured_rps,measured_p99_ms,measured_meets_sla");
    for (int i = 0; i < ranked.size(); i++) {
      SlaPredictor.Prediction p = ranked.get(i);
      Measurement m = byPoint.get(p.combination());
      lines.add(String.format(Locale.ROOT, "%d,%s,%.1f,%.1f,%.2f,%b,%s,%s,%s", i + 1, p.combination().label(openLoop),
          p.throughput(), p.p99Millis(), p.meanBatch(), p.meets(slaP99Millis),
          m == null ? "" : String.format(Locale.ROOT, "%.1f", m.throughput()),
          m == null ? "" : String.format(Locale.ROOT, "%.1f", m.p99()),
          m == null ? "" : Boolean.toString(m.meets(slaP99Millis))));
    }
    Path file = dir.resolve("predictions.csv");
    try {
      Files.createDirectories(dir);
      Files.write(file, lines);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    return file;
  }
}
