package dev.serving4j.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the report tells the reader to do: the chosen point in one sentence, as the archive manifest's
 * {@code config} block and as the {@code register} call, and how far the zero-config rows of the same run are from
 * it. Only settings that differ from serving4j's defaults, or that the sweep varied, are written out.
 */
final class Recommendation {
  /** Zero-config within this fraction of the chosen point's throughput needs no config. */
  static final double NO_CONFIG_NEEDED = 0.05;

  private final SweepReport report;

  Recommendation(SweepReport report) {
    this.report = report;
  }

  /** The recommendation in one sentence (plain text). */
  String sentence() {
    Measurement best = report.best();
    String sla = ReportWriter.fixed(report.slaP99Millis(), 0);
    if (report.slaP99Millis() <= 0) {
      return "No p99 SLA was given, so nothing is chosen: read the chart's frontier for the trade-off.";
    }
    if (best == null) {
      return "No combination met the p99 SLA of " + sla + " ms without errors: none of these settings is enough.";
    }
    Combination c = best.combination();
    String how = c.zeroConfig() ? "register the " + c.optimization() + " model with no config"
        : String.format(Locale.ROOT, "serve the %s model with %d worker%s, batches of up to %d and %s",
            c.optimization(), c.workers(), c.workers() == 1 ? "" : "s", c.batchSize(), threads(c.intraOpThreads()));
    return String.format(Locale.ROOT, "Under the p99 SLA of %s ms, %s: %s req/s at p99 %s ms (measured at %s).",
        sla, how, ReportWriter.fixed(best.throughput(), 1), ReportWriter.fixed(best.p99(), 1), load(c));
  }

  /** The settings to write, in manifest terms (values are JSON literals). */
  Map<String, String> manifestFields() {
    Map<String, String> fields = new LinkedHashMap<>();
    Combination c = report.best().combination();
    if (c.zeroConfig()) {
      return fields;
    }
    fields.put("workers", Integer.toString(c.workers()));
    fields.put("maxBatchSize", Integer.toString(c.batchSize()));
    BenchPlan plan = report.plan();
    if (plan != null) {
      if (!plan.batchingMode().equals("adaptive")) {
        fields.put("batchingMode", "\"FIXED_DELAY\"");
        fields.put("maxBatchDelay", "\"" + plan.batchDelay() + "\"");
      }
      if (plan.maxBatchCost() > 0) {
        fields.put("maxBatchCost", Long.toString(plan.maxBatchCost()));
      }
      if (!plan.devices().equals(List.of("cpu"))) {
        fields.put("devices", "[" + String.join(", ", plan.devices().stream().map(d -> "\"" + d + "\"").toList())
            + "]");
      }
    }
    if (c.intraOpThreads() > 0) {
      fields.put("engineOptions", "{ \"intraOpThreads\": \"" + c.intraOpThreads() + "\" }");
    }
    return fields;
  }

  /** The manifest's {@code config} block, ready to paste into {@code MANIFEST.json}. */
  String manifestConfig() {
    List<String> lines = new ArrayList<>();
    manifestFields().forEach((k, v) -> lines.add("    \"" + k + "\": " + v));
    return lines.isEmpty() ? "  \"config\": {}" : "  \"config\": {\n" + String.join(",\n", lines) + "\n  }";
  }

  /** The same settings as a {@code register} call with {@code ModelConfig.Builder} setters. */
  String javaCall() {
    Combination c = report.best().combination();
    if (c.zeroConfig()) {
      return "server.register(archive);";
    }
    StringBuilder call = new StringBuilder("server.register(archive, cfg -> cfg\n");
    call.append("    .minWorkers(").append(c.workers()).append(").maxWorkers(").append(c.workers()).append(")\n");
    call.append("    .maxBatchSize(").append(c.batchSize()).append(")");
    BenchPlan plan = report.plan();
    if (plan != null) {
      if (!plan.batchingMode().equals("adaptive")) {
        long nanos = plan.batchDelayDuration().toNanos();
        call.append("\n    .batchingMode(BatchingMode.FIXED_DELAY)\n    .maxBatchDelay(").append(nanos % 1_000_000 == 0
            ? "Duration.ofMillis(" + nanos / 1_000_000 + ")" : "Duration.ofNanos(" + nanos + ")").append(")");
      }
      if (plan.maxBatchCost() > 0) {
        call.append("\n    .maxBatchCost(").append(plan.maxBatchCost()).append(")");
      }
      if (!plan.devices().equals(List.of("cpu"))) {
        call.append("\n    .devices(").append(String.join(", ", plan.devices().stream().map(d -> "\"" + d + "\"")
            .toList())).append(")");
      }
    }
    if (c.intraOpThreads() > 0) {
      call.append("\n    .engineOption(\"intraOpThreads\", \"").append(c.intraOpThreads()).append("\")");
    }
    return call.append(");").toString();
  }

  /** Notes the config blocks need: which archive, and what the CSV alone could not tell. */
  List<String> notes() {
    List<String> notes = new ArrayList<>();
    Combination c = report.best().combination();
    String model = report.plan() == null ? "minilm" : report.plan().model();
    if (model.equals("minilm")) {
      notes.add("archive: the built-in MiniLM's " + c.optimization() + " variant ("
          + (c.optimization().equals("quantized") ? MiniLm.QUANTIZED : MiniLm.FP32).name().toLowerCase(Locale.ROOT)
          + "); the optimization is a different model file, not a config field.");
    } else {
      notes.add("archive: " + model + ".");
    }
    if (report.plan() == null) {
      notes.add("the plan was not recorded with this CSV: batching mode, delay, maxBatchCost and devices are the "
          + "plan's and are left out.");
    }
    return notes;
  }

  /** How the zero-config rows compare with the chosen point, in a sentence. */
  String zeroConfig() {
    Measurement best = report.best();
    List<Measurement> zero = report.rows().stream().filter(m -> m.combination().zeroConfig()).toList();
    if (best.combination().zeroConfig()) {
      return "The chosen point is zero-config: no config is needed.";
    }
    if (zero.isEmpty()) {
      return "This plan has no zero-config row, so the report cannot say how far serving4j's defaults are from "
          + "this; add one to the plan to find out.";
    }
    Measurement z = SlaSearch.best(zero, report.slaP99Millis());
    if (z == null) {
      return "Zero-config met the SLA at none of its load levels: the config above is needed.";
    }
    double ratio = z.throughput() / best.throughput();
    String figures = String.format(Locale.ROOT, "Zero-config's best under the SLA, %s, did %s req/s at p99 %s ms: "
        + "%.0f%% of the chosen point's throughput", report.label(z), ReportWriter.fixed(z.throughput(), 1),
        ReportWriter.fixed(z.p99(), 1), 100 * ratio);
    return ratio >= 1 - NO_CONFIG_NEEDED ? figures + ", within 5%: no config is needed."
        : figures + ": the config above is worth setting.";
  }

  private String load(Combination c) {
    if (report.openLoop()) {
      return String.format(Locale.ROOT, "%.0f requests/s offered", c.load());
    }
    int clients = (int) c.load();
    return clients + (clients == 1 ? " client" : " concurrent clients");
  }

  private static String threads(int intraOp) {
    return intraOp == 0 ? "ONNX Runtime's default threads" : intraOp + " intra-op thread" + (intraOp == 1 ? "" : "s");
  }
}
