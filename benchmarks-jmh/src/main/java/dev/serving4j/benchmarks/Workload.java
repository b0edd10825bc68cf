package dev.serving4j.benchmarks;

import dev.serving4j.examples.Corpus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The texts a benchmark sends. Issue 8's two workloads are built from the examples' corpus (about 3,000 sentences
 * from Python's standard library docstrings): (A) {@code corpus:mixed}, sentences of 5-60 words, and (B)
 * {@code corpus:short}, sentences of 6-10 words standing in for search queries. Any other name is a UTF-8 file
 * with one text per line.
 */
final class Workload {
  /** Workload A. */
  static final String MIXED = "corpus:mixed";
  /** Workload B. */
  static final String SHORT = "corpus:short";

  private Workload() {}

  /** The texts of {@code input} (a {@code corpus:} name or a file path), in a fixed order. */
  static List<String> texts(String input) {
    return switch (input) {
      case MIXED -> corpus(5, 60);
      case SHORT -> corpus(6, 10);
      default -> file(Path.of(input));
    };
  }

  private static List<String> corpus(int minWords, int maxWords) {
    return Corpus.load().sentences().stream().map(Corpus.Sentence::text)
        .filter(t -> {
          int words = t.trim().split("\\s+").length;
          return words >= minWords && words <= maxWords;
        })
        .toList();
  }

  private static List<String> file(Path path) {
    try {
      List<String> texts = Files.readAllLines(path).stream().filter(l -> !l.isBlank()).toList();
      if (texts.isEmpty()) {
        throw new IllegalArgumentException("input file " + path + " has no non-blank line");
      }
      return texts;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read input file " + path, e);
    }
  }
}
