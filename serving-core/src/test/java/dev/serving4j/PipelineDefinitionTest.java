package dev.serving4j;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineDefinitionTest {
  @TempDir Path dir;
  PipelineFixture f;
  PipelineBuilder<String> b;

  @BeforeEach
  void start() {
    f = new PipelineFixture(dir, Map.of());
    b = Pipeline.builder(f.server, "p", String.class);
  }

  @AfterEach
  void close() {
    f.close();
  }

  private static void assertMentions(Throwable e, String... parts) {
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' should mention " + part);
    }
  }

  @Test
  void anUnknownModelIsRefusedWhereItIsWired() {
    var e = assertThrows(ModelNotFoundException.class, () -> b.model("det", "nope", b.input(), String.class));
    assertMentions(e, "pipeline 'p' node 'det'", "nope");
  }

  @Test
  void aModelThatCanNeverTakeTheWiredValueIsRefused() {
    PipelineBuilder<Integer> ints = Pipeline.builder(f.server, "p", Integer.class);
    var e = assertThrows(PipelineDefinitionException.class,
        () -> ints.model("upper", "upper", ints.input(), String.class));
    assertMentions(e, "node 'upper'", "java.lang.String inputs", "java.lang.Integer");
  }

  @Test
  void aModelThatCanNeverReturnTheAskedTypeIsRefused() {
    var e = assertThrows(PipelineDefinitionException.class,
        () -> b.model("upper", "upper", b.input(), Integer.class));
    assertMentions(e, "node 'upper'", "java.lang.Integer");
  }

  @Test
  void aRepeatedNodeNameIsRefused() {
    b.model("upper", "upper", b.input(), String.class);
    var e = assertThrows(PipelineDefinitionException.class, () -> b.map("upper", b.input(), s -> s));
    assertMentions(e, "node 'upper'", "already taken");
  }

  @Test
  void aValueOfAnotherDefinitionIsRefused() {
    PipelineBuilder<String> other = Pipeline.builder(f.server, "other", String.class);
    var e = assertThrows(PipelineDefinitionException.class, () -> b.map("m", other.input(), s -> s));
    assertMentions(e, "node 'm'", "another pipeline definition");
  }

  @Test
  void itemsOfTwoFanOutsCannotBeCombined() {
    PipelineItems<String> x = b.fanOut("x", b.input(), s -> List.of(s));
    PipelineItems<String> y = b.fanOut("y", b.input(), s -> List.of(s));
    var e = assertThrows(PipelineDefinitionException.class, () -> b.map("zip", x, y, (l, r) -> l + r));
    assertMentions(e, "node 'zip'", "fan-out 'x'", "fan-out 'y'");
  }

  @Test
  void aNodeTheOutputDoesNotUseIsRefusedAtBuild() {
    b.model("upper", "upper", b.input(), String.class);
    PipelineValue<String> out = b.map("same", b.input(), s -> s);
    var e = assertThrows(PipelineDefinitionException.class, () -> b.build(out));
    assertMentions(e, "node 'upper'", "not used by the output 'same'");
  }

  @Test
  void aBlankPipelineNameIsRefused() {
    assertThrows(PipelineDefinitionException.class, () -> Pipeline.builder(f.server, " ", String.class));
  }
}
