package dev.serving4j.benchmarks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code run.json}, written beside {@code report.csv}: what the CSV alone does not say (heading, SLA, load mode,
 * machine, plan), so {@code BenchTool report --from} can redraw the same report later.
 *
 * @param heading the report's title
 * @param slaP99Millis the SLA, 0 for none
 * @param openLoop whether loads are rates
 * @param machine what the run was measured on
 * @param plan the plan, or null
 */
record RunInfo(String heading, double slaP99Millis, boolean openLoop, String machine, BenchPlan plan) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The run behind {@code report}. */
  static RunInfo of(SweepReport report) {
    return new RunInfo(report.heading(), report.slaP99Millis(), report.openLoop(), report.machine(), report.plan());
  }

  /** The JSON text. */
  String json() {
    ObjectNode root = JSON.createObjectNode().put("heading", heading).put("slaP99Ms", slaP99Millis)
        .put("openLoop", openLoop).put("machine", machine);
    if (plan != null) {
      root.set("plan", JSON.valueToTree(plan));
    }
    return root.toPrettyString() + "\n";
  }

  /** Reads {@code run.json}; a missing field is left null or 0. */
  static RunInfo read(Path file) throws IOException {
    JsonNode root = JSON.readTree(Files.readString(file));
    JsonNode plan = root.get("plan");
    return new RunInfo(text(root, "heading"), root.path("slaP99Ms").asDouble(0), root.path("openLoop").asBoolean(),
        text(root, "machine"), plan == null ? null : BenchPlan.parse(plan.toString()));
  }

  private static String text(JsonNode root, String field) {
    JsonNode v = root.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  /** The plan as indented JSON, for the report's page. */
  static String planJson(BenchPlan plan) {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(plan);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the plan as JSON", e);
    }
  }

  /** This machine in a sentence: CPU model, cores, memory, OS, Java and the load average when it started. */
  static String thisMachine() {
    Runtime rt = Runtime.getRuntime();
    double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    return String.format(Locale.ROOT, "%s, %d cores, %s %s (%s), Java %s, max heap %d MiB, load average %.1f at start",
        cpuModel(), rt.availableProcessors(), System.getProperty("os.name"), System.getProperty("os.version"),
        System.getProperty("os.arch"), System.getProperty("java.version"), rt.maxMemory() >> 20, load);
  }

  private static String cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown CPU");
    } catch (IOException | RuntimeException e) {
      return "unknown CPU";
    }
  }
}
