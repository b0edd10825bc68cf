package dev.serving4j.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import dev.serving4j.Device;
import dev.serving4j.InvalidConfigException;
import dev.serving4j.onnx.OnnxOptions.Provider;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OnnxOptionsTest {

  private static OnnxOptions parse(Map<String, String> options) {
    return OnnxOptions.parse(options, "m:1");
  }

  @Test
  void emptyOptionsGiveTheDefaults() {
    OnnxOptions o = parse(Map.of());
    assertEquals(OnnxOptions.DEFAULTS, o);
    assertEquals(OptLevel.ALL_OPT, o.optimizationLevel());
    assertTrue(o.intraOpSpinning());
    assertTrue(!o.sessionPerWorker());
  }

  @Test
  void unknownKeyIsNamedWithTheKnownKeys() {
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> parse(Map.of("intraOpThread", "2")));
    assertTrue(e.getMessage().contains("'intraOpThread'"), e.getMessage());
    assertTrue(e.getMessage().contains("intraOpThreads") && e.getMessage().contains("m:1"), e.getMessage());
  }

  @Test
  void badValuesNameTheKeyAndTheValue() {
    for (Map<String, String> bad : java.util.List.of(Map.of("gpuRequired", "yes"), Map.of("intraOpThreads", "-1"),
        Map.of("interOpThreads", "two"), Map.of("optimizationLevel", "max"), Map.of("executionProvider", "tpu"),
        Map.of("cuda.memoryLimit", "0"), Map.of("cuda.cudnnConvAlgoSearch", "fast"),
        Map.of("optimizedModelPath", " "))) {
      String key = bad.keySet().iterator().next();
      InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> parse(bad), key);
      assertTrue(e.getMessage().contains("'" + key + "'") && e.getMessage().contains(bad.get(key)), e.getMessage());
    }
  }

  @Test
  void everyOptionIsParsed() {
    OnnxOptions o = parse(Map.ofEntries(Map.entry("executionProvider", "CUDA"), Map.entry("gpuRequired", "true"),
        Map.entry("intraOpThreads", "2"), Map.entry("interOpThreads", "1"), Map.entry("intraOpSpinning", "false"),
        Map.entry("optimizationLevel", "basic"), Map.entry("optimizedModelPath", "/tmp/opt.onnx"),
        Map.entry("memoryArena", "false"), Map.entry("sessionPerWorker", "true")));
    assertEquals(new OnnxOptions(Provider.CUDA, true, 2, 1, false, OptLevel.BASIC_OPT, "/tmp/opt.onnx", false, true,
        null, null, null, null), o);
  }

  @Test
  void cudaOptionsMapToOnnxRuntimeProviderKeys() {
    OnnxOptions o = parse(Map.of("cuda.memoryLimit", "2147483648", "cuda.arenaExtendStrategy", "sameAsRequested",
        "cuda.cudnnConvAlgoSearch", "heuristic", "cuda.enableCudaGraph", "true"));
    assertEquals(Map.of("gpu_mem_limit", "2147483648", "arena_extend_strategy", "kSameAsRequested",
        "cudnn_conv_algo_search", "HEURISTIC", "enable_cuda_graph", "1"), o.cudaProviderOptions());
    assertTrue(parse(Map.of()).cudaProviderOptions().isEmpty());
  }

  @Test
  void cudaOptionsWithTheCpuProviderAreRejected() {
    assertThrows(InvalidConfigException.class, () -> parse(Map.of("executionProvider", "cpu",
        "cuda.enableCudaGraph", "true")));
  }

  @Test
  void providerFollowsTheDeviceUnlessSet() {
    assertEquals(Provider.CPU, parse(Map.of()).requestedProvider(Device.CPU));
    assertEquals(Provider.CUDA, parse(Map.of()).requestedProvider(Device.gpu(1)));
    assertEquals(Provider.CUDA, parse(Map.of("executionProvider", "cuda")).requestedProvider(Device.CPU));
    assertThrows(InvalidConfigException.class,
        () -> parse(Map.of("executionProvider", "cpu")).requestedProvider(Device.gpu(0)));
  }

  @Test
  void cudaFallsBackToCpuOnlyWhenNotRequired() {
    assertEquals(Provider.CUDA, OnnxOptions.decideProvider(Provider.CUDA, true, true));
    assertEquals(Provider.CUDA, OnnxOptions.decideProvider(Provider.CUDA, true, false));
    assertEquals(Provider.CPU, OnnxOptions.decideProvider(Provider.CUDA, false, false));
    assertEquals(Provider.CPU, OnnxOptions.decideProvider(Provider.CPU, false, true));
    InvalidConfigException e = assertThrows(InvalidConfigException.class,
        () -> OnnxOptions.decideProvider(Provider.CUDA, false, true));
    assertTrue(e.getMessage().contains("onnxruntime_gpu"), e.getMessage());
  }

  @Test
  void sessionOptionsCarryTheSpinningSwitch() throws Exception {
    try (SessionOptions so = OnnxEngine.sessionOptions(parse(Map.of("intraOpSpinning", "false",
        "intraOpThreads", "1")))) {
      assertEquals("0", so.getConfigEntries().get("session.intra_op.allow_spinning"));
    }
    assertNull(parse(Map.of()).optimizedModelPath());
  }

  @Test
  void theElasticWideSessionSpinsOnlyWhileARunIsInProgress() throws Exception {
    try (SessionOptions so = OnnxEngine.sessionOptions(parse(Map.of()), 2)) {
      assertEquals("1", so.getConfigEntries().get("session.intra_op.allow_spinning"));
      assertEquals("1", so.getConfigEntries().get("session.force_spinning_stop"));
    }
    try (SessionOptions so = OnnxEngine.sessionOptions(parse(Map.of()))) {
      assertNull(so.getConfigEntries().get("session.force_spinning_stop"), "explicit layouts keep ORT's default");
    }
  }
}
