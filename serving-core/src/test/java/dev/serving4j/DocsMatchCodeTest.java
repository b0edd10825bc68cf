package dev.serving4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 §5: the docs never cite a file the repository does not have, nor name an API that was renamed. Each
 * entry says what to write instead, so a failure tells the writer how to fix it.
 */
class DocsMatchCodeTest {
  private static final Path ROOT = Path.of("..");
  private static final Map<String, String> RETIRED = Map.of(
      "DESIGN.md", "the repository has no DESIGN.md: cite a benchmark or doc that is in it",
      "internal.archive.ArchiveCli", "dev.serving4j.tools.ArchiveCli",
      ">predict(", "the untyped predict has no <O>; use server.client(name, I.class, O.class)",
      "PredictOptions.version(", "PredictOptions.ofVersion(",
      "PredictOptions.timeout(", "PredictOptions.ofTimeout(",
      "PredictOptions.priority(", "PredictOptions.ofPriority(",
      "PredictOptions.key(", "PredictOptions.ofKey(",
      "describe(...).counts()", "describe(name).versions().get(i).counts()",
      "#2853", "pytorch/serve #1329 is the per-request-error issue");

  @Test
  void noDocNamesARetiredFileOrApi() throws IOException {
    List<String> found = new ArrayList<>();
    for (Path doc : docs()) {
      String text = Files.readString(doc);
      RETIRED.forEach((retired, instead) -> {
        if (text.contains(retired)) {
          found.add(ROOT.relativize(doc) + " mentions '" + retired + "': " + instead);
        }
      });
    }
    assertEquals(List.of(), found);
  }

  @Test
  void theDocsAreWhereThisTestLooks() throws IOException {
    assertTrue(docs().size() > 10, "found only " + docs());
  }

  private static List<Path> docs() throws IOException {
    List<Path> docs = new ArrayList<>(List.of(ROOT.resolve("README.md")));
    try (Stream<Path> walk = Files.walk(ROOT.resolve("docs"))) {
      walk.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
    }
    return docs;
  }
}
