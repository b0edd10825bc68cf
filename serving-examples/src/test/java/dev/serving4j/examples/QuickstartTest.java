package dev.serving4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's quickstart code runs as printed. */
class QuickstartTest {
  @TempDir
  Path dir;

  @Test
  void theQuickstartEmbedsASentenceInto384Dimensions() {
    MiniLmFiles files = MiniLmFiles.copyTo(dir);
    assertEquals(384, Quickstart.embedOneSentence(files.model(), files.tokenizer(), dir));
  }

  @Test
  void theReadmeShowsTheQuickstartExactlyAsCompiled() throws Exception {
    String source = Files.readString(Path.of("src/main/java/dev/serving4j/examples/Quickstart.java"));
    String begin = "// --- README quickstart: begin ---\n";
    String body = source.substring(source.indexOf(begin) + begin.length(),
        source.indexOf("    // --- README quickstart: end ---"));
    String snippet = Arrays.stream(body.split("\n"))
        .filter(line -> !line.contains("return vector.length"))
        .map(line -> line.startsWith("    ") ? line.substring(4) : line)
        .collect(Collectors.joining("\n"));
    String readme = Files.readString(Path.of("../README.md"));
    assertTrue(readme.contains(snippet.strip()), "README.md's quickstart must be Quickstart.java's:\n" + snippet);
  }
}
