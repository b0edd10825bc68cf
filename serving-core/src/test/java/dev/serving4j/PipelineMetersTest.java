package dev.serving4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineMetersTest {
  @TempDir Path dir;

  @Test
  void eachNodeRunIsTimedInTheServersRegistryAndReportedToItsListeners() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    List<ServingEventListener.PipelineNodeFinished> events = new CopyOnWriteArrayList<>();
    StageHandler.Stage line = new StageHandler.Stage(s -> "line:" + s);
    try (ModelServer server = ModelServer.builder().handler("line", () -> new StageHandler(line))
        .meterRegistry(registry)
        .listener(new ServingEventListener() {
          @Override
          public void pipelineNodeFinished(PipelineNodeFinished event) {
            events.add(event);
          }
        }).build()) {
      server.register(ModelArchive.builder("line", "1").handler("line").writeDirectory(dir.resolve("line")));
      PipelineBuilder<String> b = Pipeline.builder(server, "m", String.class);
      PipelineItems<String> parts = b.fanOut("split", b.input(), s -> List.of(s.split(",")));
      PipelineItems<String> done = b.model("line", "line", parts, String.class);
      b.build(b.collect("collect", done, ItemFailure.KEEP)).run("a,bad,c").get(20, TimeUnit.SECONDS);

      assertEquals(2, timer(registry, "line", "success"));
      assertEquals(1, timer(registry, "line", "failed"));
      assertEquals(1, timer(registry, "split", "success"));
      assertEquals(List.of(0, 1, 2), events.stream().filter(e -> e.node().equals("line"))
          .map(ServingEventListener.PipelineNodeFinished::item).sorted().toList());
    }
  }

  private static long timer(SimpleMeterRegistry registry, String node, String outcome) {
    return registry.get("serving4j.pipeline.node.latency").tag("pipeline", "m").tag("node", node)
        .tag("outcome", outcome).timer().count();
  }
}
