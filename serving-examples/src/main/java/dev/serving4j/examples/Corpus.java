package dev.serving4j.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo's corpus: about 3,000 English sentences from the docstrings of Python's standard library (PSF license;
 * see {@code corpus/README.md}), each with the module it came from.
 *
 * @param sentences the sentences, in file order
 */
public record Corpus(List<Sentence> sentences) {
  /** The class path resource holding the corpus: {@code module<TAB>sentence} lines, {@code #} comments. */
  public static final String RESOURCE = "/corpus/stdlib-sentences.tsv";

  /**
   * One sentence and where it comes from.
   *
   * @param module the Python module whose docstring holds it
   * @param text the sentence
   */
  public record Sentence(String module, String text) {}

  /** Copies the list. */
  public Corpus {
    sentences = List.copyOf(sentences);
  }

  /** Loads the corpus shipped with the examples. */
  public static Corpus load() {
    try (InputStream in = Corpus.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("class path resource " + RESOURCE + " not found");
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      List<Sentence> sentences = new ArrayList<>();
      for (String line; (line = reader.readLine()) != null; ) {
        int tab = line.indexOf('\t');
        if (!line.startsWith("#") && tab > 0) {
          sentences.add(new Sentence(line.substring(0, tab), line.substring(tab + 1)));
        }
      }
      return new Corpus(sentences);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  /** The number of sentences. */
  public int size() {
    return sentences.size();
  }

  /** The text of sentence {@code index}. */
  public String text(int index) {
    return sentences.get(index).text();
  }

  /** The first {@code count} sentences (all of them when {@code count} is larger). */
  public Corpus first(int count) {
    return new Corpus(sentences.subList(0, Math.min(count, sentences.size())));
  }
}
