package dev.serving4j.flink;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** docs/flink.md shows the code of {@link DocSnippets} verbatim (apart from indentation). */
class FlinkDocTest {
  private static final Pattern REGION = Pattern.compile("// tag::(\\w+)\\[]\\n(.*?)\\n\\s*// end::\\1\\[]",
      Pattern.DOTALL);

  @Test
  void everyCompiledSnippetAppearsInTheFlinkPage() throws Exception {
    String source = Files.readString(Path.of("src/test/java/dev/serving4j/flink/DocSnippets.java"));
    String page = Files.readString(Path.of("../docs/flink.md"));
    Matcher m = REGION.matcher(source);
    int regions = 0;
    while (m.find()) {
      regions++;
      String snippet = dedent(m.group(2));
      assertTrue(page.contains(snippet), "docs/flink.md lacks the '" + m.group(1) + "' snippet:\n" + snippet);
    }
    assertTrue(regions >= 2, "found " + regions + " tagged regions");
  }

  private static String dedent(String block) {
    int indent = block.lines().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length())
        .min().orElse(0);
    return block.lines().map(l -> l.isBlank() ? "" : l.substring(indent)).collect(Collectors.joining("\n"));
  }
}
