package dev.serving4j.onnx;

import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import dev.serving4j.Device;
import dev.serving4j.InvalidConfigException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code onnxruntime} engine's options, parsed strictly from {@code EngineSpec.options()}: an unknown key or a bad
 * value is an {@link InvalidConfigException} naming the key, the value and what is allowed. Pure Java, so every
 * mapping (including the CUDA provider options and the CPU-fallback decision) is testable without a GPU.
 *
 * @param executionProvider cpu or cuda, or null to follow the worker's device
 * @param gpuRequired fail instead of falling back to the CPU when CUDA is unavailable
 * @param intraOpThreads threads per operator (0: ONNX Runtime's default, one per physical core)
 * @param interOpThreads threads across independent operators (0: ONNX Runtime's default)
 * @param intraOpSpinning whether idle intra-op threads spin ({@code session.intra_op.allow_spinning})
 * @param optimizationLevel graph optimization level
 * @param optimizedModelPath where ONNX Runtime writes the optimized graph, or null
 * @param memoryArena whether the CPU memory arena is on
 * @param sessionPerWorker one session per worker instead of one shared per device
 * @param cudaMemoryLimit CUDA arena limit in bytes, or null
 * @param cudaArenaExtendStrategy ONNX Runtime's value (kNextPowerOfTwo, kSameAsRequested), or null
 * @param cudaConvAlgoSearch ONNX Runtime's value (EXHAUSTIVE, HEURISTIC, DEFAULT), or null
 * @param cudaGraph whether CUDA graphs are on, or null for the default
 */
record OnnxOptions(
    Provider executionProvider,
    boolean gpuRequired,
    int intraOpThreads,
    int interOpThreads,
    boolean intraOpSpinning,
    OptLevel optimizationLevel,
    String optimizedModelPath,
    boolean memoryArena,
    boolean sessionPerWorker,
    Long cudaMemoryLimit,
    String cudaArenaExtendStrategy,
    String cudaConvAlgoSearch,
    Boolean cudaGraph) {

  /** Execution providers serving4j configures. */
  enum Provider { CPU, CUDA }

  /** Every key {@link #parse} accepts. */
  static final Set<String> KEYS = new TreeSet<>(Set.of("executionProvider", "gpuRequired", "intraOpThreads",
      "interOpThreads", "intraOpSpinning", "optimizationLevel", "optimizedModelPath", "memoryArena",
      "sessionPerWorker", "cuda.memoryLimit", "cuda.arenaExtendStrategy", "cuda.cudnnConvAlgoSearch",
      "cuda.enableCudaGraph"));

  /** The defaults: follow the device, ONNX Runtime's thread defaults, spinning on, all optimizations, shared session. */
  static final OnnxOptions DEFAULTS = new OnnxOptions(null, false, 0, 0, true, OptLevel.ALL_OPT, null, true, false,
      null, null, null, null);

  /**
   * Parses engine options.
   *
   * @param model names the model in messages ({@code name:version})
   * @throws InvalidConfigException for an unknown key or an invalid value
   */
  static OnnxOptions parse(Map<String, String> options, String model) {
    OnnxOptions d = DEFAULTS;
    Parser p = new Parser(options, model);
    for (String key : options.keySet()) {
      if (!KEYS.contains(key)) {
        throw new InvalidConfigException("unknown onnxruntime engine option '" + key + "' for model " + model
            + "; known options: " + String.join(", ", KEYS));
      }
    }
    OnnxOptions o = new OnnxOptions(
        p.choice("executionProvider", null, Map.of("cpu", Provider.CPU, "cuda", Provider.CUDA)),
        p.bool("gpuRequired", d.gpuRequired),
        p.integer("intraOpThreads", d.intraOpThreads),
        p.integer("interOpThreads", d.interOpThreads),
        p.bool("intraOpSpinning", d.intraOpSpinning),
        p.choice("optimizationLevel", d.optimizationLevel, Map.of("none", OptLevel.NO_OPT, "basic",
            OptLevel.BASIC_OPT, "extended", OptLevel.EXTENDED_OPT, "all", OptLevel.ALL_OPT)),
        p.text("optimizedModelPath"),
        p.bool("memoryArena", d.memoryArena),
        p.bool("sessionPerWorker", d.sessionPerWorker),
        p.bytes("cuda.memoryLimit"),
        p.choice("cuda.arenaExtendStrategy", null, Map.of("nextpoweroftwo", "kNextPowerOfTwo", "sameasrequested",
            "kSameAsRequested")),
        p.choice("cuda.cudnnConvAlgoSearch", null, Map.of("exhaustive", "EXHAUSTIVE", "heuristic", "HEURISTIC",
            "default", "DEFAULT")),
        options.containsKey("cuda.enableCudaGraph") ? p.bool("cuda.enableCudaGraph", false) : null);
    if (o.executionProvider == Provider.CPU && !o.cudaProviderOptions().isEmpty()) {
      throw new InvalidConfigException("onnxruntime engine options cuda.* of model " + model
          + " are set but executionProvider is cpu; remove them or use executionProvider=cuda");
    }
    return o;
  }

  /**
   * The provider a worker on {@code device} asks for: the {@code executionProvider} option when set, else CUDA for a
   * GPU device and CPU otherwise.
   *
   * @throws InvalidConfigException when the option says cpu but the worker's device is a GPU
   */
  Provider requestedProvider(Device device) {
    if (executionProvider == Provider.CPU && device.isGpu()) {
      throw new InvalidConfigException("engine option executionProvider=cpu conflicts with worker device " + device
          + "; use device cpu or executionProvider=cuda");
    }
    if (executionProvider != null) {
      return executionProvider;
    }
    return device.isGpu() ? Provider.CUDA : Provider.CPU;
  }

  /**
   * Decides which provider a session really uses.
   *
   * @return {@code requested}, or CPU when CUDA was requested, is unavailable and not required
   * @throws InvalidConfigException when CUDA is requested and required but unavailable
   */
  static Provider decideProvider(Provider requested, boolean cudaAvailable, boolean required) {
    if (requested != Provider.CUDA || cudaAvailable) {
      return requested;
    }
    if (required) {
      throw new InvalidConfigException("CUDA was requested with gpuRequired=true but ONNX Runtime's CUDA execution"
          + " provider is not available; put com.microsoft.onnxruntime:onnxruntime_gpu (CUDA 12) on the class path"
          + " instead of onnxruntime (mvn -Pgpu), or set gpuRequired=false to fall back to the CPU");
    }
    return Provider.CPU;
  }

  /** The CUDA provider options in ONNX Runtime's own keys, only those set (device id excluded). */
  Map<String, String> cudaProviderOptions() {
    Map<String, String> m = new LinkedHashMap<>();
    if (cudaMemoryLimit != null) {
      m.put("gpu_mem_limit", Long.toString(cudaMemoryLimit));
    }
    if (cudaArenaExtendStrategy != null) {
      m.put("arena_extend_strategy", cudaArenaExtendStrategy);
    }
    if (cudaConvAlgoSearch != null) {
      m.put("cudnn_conv_algo_search", cudaConvAlgoSearch);
    }
    if (cudaGraph != null) {
      m.put("enable_cuda_graph", cudaGraph ? "1" : "0");
    }
    return m;
  }

  /** Reads typed values, naming the key and model in every error. */
  private record Parser(Map<String, String> options, String model) {
    private String raw(String key) {
      String v = options.get(key);
      return v == null ? null : v.trim();
    }

    private InvalidConfigException bad(String key, String expected) {
      return new InvalidConfigException("onnxruntime engine option '" + key + "' of model " + model + " must be "
          + expected + ", was '" + options.get(key) + "'");
    }

    boolean bool(String key, boolean dflt) {
      String v = raw(key);
      if (v == null) {
        return dflt;
      }
      return switch (v.toLowerCase(Locale.ROOT)) {
        case "true" -> true;
        case "false" -> false;
        default -> throw bad(key, "true or false");
      };
    }

    int integer(String key, int dflt) {
      String v = raw(key);
      if (v == null) {
        return dflt;
      }
      try {
        int i = Integer.parseInt(v);
        if (i >= 0 && i <= 1024) {
          return i;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw bad(key, "a whole number from 0 (ONNX Runtime's default) to 1024");
    }

    Long bytes(String key) {
      String v = raw(key);
      if (v == null) {
        return null;
      }
      try {
        long l = Long.parseLong(v);
        if (l > 0) {
          return l;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw bad(key, "a positive number of bytes");
    }

    String text(String key) {
      String v = raw(key);
      if (v != null && v.isEmpty()) {
        throw bad(key, "a non-empty path");
      }
      return v;
    }

    <T> T choice(String key, T dflt, Map<String, T> allowed) {
      String v = raw(key);
      if (v == null) {
        return dflt;
      }
      T t = allowed.get(v.toLowerCase(Locale.ROOT));
      if (t == null) {
        throw bad(key, "one of " + new TreeSet<>(allowed.keySet()));
      }
      return t;
    }
  }
}
