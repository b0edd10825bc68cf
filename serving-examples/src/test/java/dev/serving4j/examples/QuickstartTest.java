package dev.serving4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
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
}
