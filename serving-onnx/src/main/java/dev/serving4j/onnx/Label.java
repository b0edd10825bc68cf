package dev.serving4j.onnx;

/**
 * One class of a classifier's answer.
 *
 * @param label the class name from the archive's labels file (or {@code class N} without one)
 * @param score the model's score for it (a probability when the model or the {@code softmax} property makes one)
 */
public record Label(String label, float score) {}
