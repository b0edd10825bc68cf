package dev.serving4j.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.module.ModuleDescriptor;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Issue 13 §4: serving-onnx is a module that exports its API package and nothing else. The build tests it as one. */
class ModuleDescriptorTest {
  private final Module module = OnnxEngineProvider.class.getModule();

  @Test
  void theTestsRunInsideTheNamedModule() {
    assertTrue(module.isNamed(), "serving-onnx's tests ran on the class path, so its descriptor went untested");
    assertEquals("dev.serving4j.onnx", module.getName());
  }

  @Test
  void onlyTheApiPackageIsExported() {
    Set<String> exported = module.getDescriptor().exports().stream().map(ModuleDescriptor.Exports::source)
        .collect(Collectors.toSet());

    assertEquals(Set.of("dev.serving4j.onnx"), exported);
    assertTrue(module.getPackages().contains("dev.serving4j.onnx.internal"), "the alias providers moved");
  }
}
