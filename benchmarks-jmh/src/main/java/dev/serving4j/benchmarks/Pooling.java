package dev.serving4j.benchmarks;

/** Mean pooling and L2 normalisation of a single sequence's token vectors, and the cosine used for accuracy. */
final class Pooling {
  private Pooling() {}

  /** Mean of {@code tokens} rows of {@code dims} floats, L2-normalised (the mean's 1/tokens cancels). */
  static float[] meanNormalised(float[] hidden, int tokens, int dims) {
    float[] v = new float[dims];
    for (int t = 0; t < tokens; t++) {
      for (int h = 0; h < dims; h++) {
        v[h] += hidden[t * dims + h];
      }
    }
    double norm = 0;
    for (float x : v) {
      norm += (double) x * x;
    }
    float scale = (float) (1 / Math.sqrt(norm));
    for (int h = 0; h < dims; h++) {
      v[h] *= scale;
    }
    return v;
  }
}
