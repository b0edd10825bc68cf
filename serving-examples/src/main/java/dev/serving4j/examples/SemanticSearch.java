package dev.serving4j.examples;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/** Brute-force nearest neighbours by cosine similarity: plenty for a few thousand vectors. */
public final class SemanticSearch {
  private final List<String> texts;
  private final List<float[]> vectors;

  /**
   * One hit.
   *
   * @param index the text's position in the searched list
   * @param text the text
   * @param score the cosine similarity with the query, -1..1
   */
  public record Hit(int index, String text, double score) {}

  /** Searches {@code texts}, whose vectors are {@code vectors} (same order, same size). */
  public SemanticSearch(List<String> texts, List<float[]> vectors) {
    if (texts.size() != vectors.size()) {
      throw new IllegalArgumentException(texts.size() + " texts but " + vectors.size() + " vectors");
    }
    this.texts = List.copyOf(texts);
    this.vectors = List.copyOf(vectors);
  }

  /** The {@code k} texts most similar to {@code query}, best first. */
  public List<Hit> top(float[] query, int k) {
    PriorityQueue<Hit> best = new PriorityQueue<>(Comparator.comparingDouble(Hit::score));
    for (int i = 0; i < vectors.size(); i++) {
      best.add(new Hit(i, texts.get(i), cosine(query, vectors.get(i))));
      if (best.size() > k) {
        best.poll();
      }
    }
    List<Hit> hits = new ArrayList<>(best);
    hits.sort(Comparator.comparingDouble(Hit::score).reversed());
    return hits;
  }

  /** Cosine similarity of two vectors of equal length. */
  public static double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }
}
