package dev.serving4j.benchmarks;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.serving4j.BatchingMode;
import dev.serving4j.Device;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A sweep plan, shaped like TorchServe's benchmark config: the model, the lists of settings to sweep (each
 * combination of them is run), and the load. Read from JSON or YAML; every field is checked and a bad or unknown one
 * is an error naming it. TorchServe's field names are accepted where they mean the same: {@code url} (a
 * {@code file:} URL) for {@code model}, {@code batch_size} for {@code batchSizes}, {@code batch_delay} (milliseconds)
 * for {@code batchDelay}, {@code processors} for {@code devices}; {@code workers}, {@code concurrency},
 * {@code requests} and {@code input} are spelled alike. Example ({@code docs/benchmarks.md} lists every field):
 * <pre>{@code
 * {"model": "minilm", "optimizations": ["fp32", "quantized"], "batchSizes": [1, 8, 32], "workers": [1, 2],
 *  "intraOpThreads": [1, 2], "batchDelay": "5ms", "batchingMode": "adaptive", "maxBatchCost": 512,
 *  "concurrency": [1, 16, 64], "requests": 1000, "warmup": 200, "input": "corpus:mixed", "devices": ["cpu"],
 *  "mode": "closed"}
 * }</pre>
 *
 * @param model {@code minilm} (the built-in all-MiniLM-L6-v2), {@code ocr:det} (the built-in PaddleOCR text
 *     detector, {@link DetectorPages}) or a path (or {@code file:} URL) to a serving4j archive, whose handler may
 *     take any input type
 * @param optimizations {@code fp32} and/or {@code quantized} (built-in models only)
 * @param batchSizes values of {@code maxBatchSize} to sweep
 * @param workers worker counts to sweep
 * @param intraOpThreads ORT intra-op threads per session to sweep
 * @param batchDelay {@code maxBatchDelay}
 * @param batchingMode {@code adaptive} or {@code fixed-delay}
 * @param maxBatchCost {@code maxBatchCost} (0: none)
 * @param concurrency closed loop: client counts to sweep
 * @param rates open loop: arrival rates (requests per second) to sweep
 * @param requests measured requests per combination
 * @param warmup unmeasured requests sent first
 * @param input what to send, read to match the handler's input type ({@link InputSet}): {@code corpus:mixed},
 *     {@code corpus:short}, {@code ocr:cls}, {@code ocr:rec}, {@code ocr:pages}, a folder of files (images or
 *     bytes), a {@code .jsonl} file (strings or named tensors) or a text file, one input per line
 * @param devices {@code cpu} and/or {@code gpu:N}
 * @param mode {@code closed} or {@code open}
 * @param zeroConfig whether to also measure each optimization registered with no config at all (serving4j's
 *     defaults) at every load, so the report can say whether any config is needed
 */
public record BenchPlan(@JsonAlias("url") String model, List<String> optimizations,
    @JsonAlias("batch_size") List<Integer> batchSizes, List<Integer> workers, List<Integer> intraOpThreads,
    @JsonAlias("batch_delay") String batchDelay, String batchingMode, Long maxBatchCost, List<Integer> concurrency,
    List<Double> rates, Integer requests, Integer warmup, String input, @JsonAlias("processors") List<String> devices,
    String mode, Boolean zeroConfig) {

  private static final ObjectMapper JSON = configure(new ObjectMapper());
  private static final ObjectMapper YAML = configure(new YAMLMapper());
  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(us|ms|s)?");

  /** Fills defaults and checks every field; throws {@link IllegalArgumentException} naming the bad one. */
  public BenchPlan {
    model = fromUrl(orDefault(model, "minilm"));
    optimizations = orDefault(optimizations, List.of("fp32"));
    batchSizes = orDefault(batchSizes, List.of(8));
    workers = orDefault(workers, List.of(1));
    intraOpThreads = orDefault(intraOpThreads, List.of(0));
    batchDelay = orDefault(batchDelay, "5ms");
    batchingMode = orDefault(batchingMode, "adaptive");
    maxBatchCost = orDefault(maxBatchCost, 0L);
    mode = orDefault(mode, "closed");
    concurrency = orDefault(concurrency, mode.equals("closed") ? List.of(16) : List.of());
    rates = orDefault(rates, List.of());
    requests = orDefault(requests, 1000);
    warmup = orDefault(warmup, 100);
    input = orDefault(input, Workload.MIXED);
    devices = orDefault(devices, List.of("cpu"));
    zeroConfig = orDefault(zeroConfig, false);
    validate(model, optimizations, batchSizes, workers, intraOpThreads, batchDelay, batchingMode, maxBatchCost,
        concurrency, rates, requests, warmup, devices, mode);
  }

  /**
   * Parses a plan in JSON (text starting with <code>{</code> or {@code [}) or YAML (anything else). Both read the
   * same fields, TorchServe's benchmark-config names included.
   */
  public static BenchPlan parse(String text) {
    String start = text.stripLeading();
    boolean json = start.startsWith("{") || start.startsWith("[");
    ObjectMapper mapper = json ? JSON : YAML;
    try {
      JsonNode tree = mapper.readTree(text);
      if (tree == null || !tree.isObject()) {
        throw new IllegalArgumentException("plan must be a " + (json ? "JSON" : "YAML") + " object (a mapping of "
            + "fields), was: " + abbreviate(text));
      }
      return mapper.treeToValue(tree, BenchPlan.class);
    } catch (UnrecognizedPropertyException e) {
      throw new IllegalArgumentException("unknown plan field '" + e.getPropertyName() + "'; known fields: "
          + e.getKnownPropertyIds(), e);
    } catch (JsonProcessingException e) {
      if (e.getCause() instanceof IllegalArgumentException invalid) {
        throw invalid; // a field failed validation: its message names it
      }
      throw new IllegalArgumentException("plan is not valid " + (json ? "JSON" : "YAML") + " for its fields: "
          + e.getOriginalMessage(), e);
    }
  }

  /**
   * Strict about names, lenient about TorchServe's shapes: a single value where a list is expected is a list of
   * one ({@code concurrency: 100}), and a bare number is accepted where a duration string is ({@code batch_delay:
   * 100}, milliseconds).
   */
  private static ObjectMapper configure(ObjectMapper mapper) {
    return mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY);
  }

  /** The batch delay as a duration. */
  public Duration batchDelayDuration() {
    return parseDuration("batchDelay", batchDelay);
  }

  /** The batching mode as serving4j's enum. */
  public BatchingMode batchingModeValue() {
    return batchingMode.equals("adaptive") ? BatchingMode.ADAPTIVE : BatchingMode.FIXED_DELAY;
  }

  /** Whether the load is open loop (Poisson arrivals at each rate) rather than closed loop. */
  public boolean openLoop() {
    return mode.equals("open");
  }

  /** The load levels swept: client counts (closed loop) or rates (open loop). */
  public List<Double> loadLevels() {
    return openLoop() ? rates : concurrency.stream().map(Integer::doubleValue).toList();
  }

  /** How many combinations a full sweep runs (the zero-config rows included). */
  public int combinations() {
    return (batchSizes.size() * workers.size() * intraOpThreads.size() + (zeroConfig ? 1 : 0))
        * optimizations.size() * loadLevels().size();
  }

  /** The zero-config points ({@link Combination#zeroConfig()}): none unless {@code zeroConfig} is set. */
  public List<Combination> zeroConfigCombinations() {
    return !zeroConfig ? List.of() : optimizations.stream().flatMap(o -> loadLevels().stream().sorted()
        .map(l -> new Combination(o, 0, 0, 0, l))).toList();
  }

  /** Parses {@code "250us"}, {@code "5ms"}, {@code "2s"} or a bare number of milliseconds. */
  static Duration parseDuration(String field, String text) {
    Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(field + " must be a duration such as 250us, 5ms or 2s, was '" + text + "'");
    }
    double value = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "ms" : m.group(2);
    double nanos = value * switch (unit) {
      case "us" -> 1e3;
      case "ms" -> 1e6;
      default -> 1e9;
    };
    return Duration.ofNanos((long) nanos);
  }

  private static void validate(String model, List<String> optimizations, List<Integer> batchSizes,
      List<Integer> workers, List<Integer> intraOpThreads, String batchDelay, String batchingMode,
      long maxBatchCost, List<Integer> concurrency, List<Double> rates, int requests, int warmup,
      List<String> devices, String mode) {
    requireOneOf("mode", mode, List.of("closed", "open"));
    requireOneOf("batchingMode", batchingMode, List.of("adaptive", "fixed-delay"));
    nonEmpty("optimizations", optimizations).forEach(o -> requireOneOf("optimizations[]", o,
        List.of("fp32", "quantized")));
    if (!List.of("minilm", DetectorPages.MODEL).contains(model) && !optimizations.equals(List.of("fp32"))) {
      throw new IllegalArgumentException("optimizations other than [fp32] need the built-in model 'minilm' or '"
          + DetectorPages.MODEL + "'; model was '" + model + "'");
    }
    inRange("batchSizes", batchSizes, 1, 65_536);
    inRange("workers", workers, 1, 1024);
    inRange("intraOpThreads", intraOpThreads, 0, 1024);
    parseDuration("batchDelay", batchDelay);
    if (maxBatchCost < 0) {
      throw new IllegalArgumentException("maxBatchCost must be >= 0 (0 = none), was " + maxBatchCost);
    }
    if (mode.equals("closed")) {
      inRange("concurrency", concurrency, 1, 100_000);
      if (!rates.isEmpty()) {
        throw new IllegalArgumentException("rates is for mode 'open'; mode 'closed' sweeps concurrency");
      }
    } else {
      nonEmpty("rates", rates).forEach(r -> {
        if (!(r > 0)) {
          throw new IllegalArgumentException("rates must be > 0 requests per second, was " + rates);
        }
      });
      if (!concurrency.isEmpty()) {
        throw new IllegalArgumentException("concurrency is for mode 'closed'; mode 'open' sweeps rates");
      }
    }
    if (requests < 1) {
      throw new IllegalArgumentException("requests must be >= 1, was " + requests);
    }
    if (warmup < 0) {
      throw new IllegalArgumentException("warmup must be >= 0, was " + warmup);
    }
    nonEmpty("devices", devices).forEach(d -> {
      try {
        Device.parse(d);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("devices must be 'cpu' or 'gpu:N', was '" + d + "'", e);
      }
    });
  }

  private static <T> List<T> nonEmpty(String field, List<T> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException(field + " must list at least one value");
    }
    if (values.stream().anyMatch(java.util.Objects::isNull)) {
      throw new IllegalArgumentException(field + " must not contain null, was " + values);
    }
    return values;
  }

  private static void inRange(String field, List<Integer> values, int min, int max) {
    for (int v : nonEmpty(field, values)) {
      if (v < min || v > max) {
        throw new IllegalArgumentException(field + " values must be in " + min + ".." + max + ", was " + values);
      }
    }
  }

  private static void requireOneOf(String field, String value, List<String> allowed) {
    if (!allowed.contains(value)) {
      throw new IllegalArgumentException(field + " must be one of " + allowed + ", was '" + value + "'");
    }
  }

  /** TorchServe's {@code url: "file:///path/model.mar"} names a local archive: its path. */
  private static String fromUrl(String model) {
    if (!model.startsWith("file:")) {
      return model;
    }
    try {
      return Path.of(URI.create(model)).toString();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("model (url) must be a file: URL of a local archive, was '" + model + "'",
          e);
    }
  }

  private static <T> T orDefault(T value, T fallback) {
    return value == null ? fallback : value;
  }

  private static String abbreviate(String text) {
    return text.length() <= 60 ? text : text.substring(0, 57) + "...";
  }
}
