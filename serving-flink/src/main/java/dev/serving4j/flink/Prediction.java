package dev.serving4j.flink;

import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/**
 * One record's result: its input and either the model's output or the error that stopped it.
 *
 * <p>A Flink POJO (public no-argument constructor, getters and setters) rather than a record, so that Flink
 * serializes it field by field with the input's and output's own serializers instead of falling back to Kryo; treat
 * it as a value and do not mutate it.
 *
 * @param <I> the input type
 * @param <O> the output type
 */
public final class Prediction<I, O> {
  private I input;
  private O output;
  private String errorType;
  private String errorMessage;

  /** For Flink's serializer; use {@link #success} or {@link #failure}. */
  public Prediction() {}

  /** A successful prediction. */
  public static <I, O> Prediction<I, O> success(I input, O output) {
    Prediction<I, O> p = new Prediction<>();
    p.input = input;
    p.output = output;
    return p;
  }

  /**
   * A failed prediction. {@link CompletionException} wrappers are removed; Flink's own async timeout is reported as
   * serving4j's {@code DeadlineExceededException}, since both mean the record's deadline passed.
   */
  public static <I, O> Prediction<I, O> failure(I input, Throwable error) {
    Throwable cause = unwrap(Objects.requireNonNull(error, "error"));
    Prediction<I, O> p = new Prediction<>();
    p.input = input;
    p.errorType = cause instanceof TimeoutException ? "DeadlineExceededException" : cause.getClass().getSimpleName();
    p.errorMessage = String.valueOf(cause.getMessage());
    return p;
  }

  static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** True when the model produced an output. */
  public boolean isSuccess() {
    return errorType == null;
  }

  /** The record that was predicted. */
  public I getInput() {
    return input;
  }

  /** The model's output, or null when the prediction failed. */
  public O getOutput() {
    return output;
  }

  /**
   * The simple class name of the error, such as {@code InvalidInputException}, {@code DeadlineExceededException}
   * or {@code QueueFullException} (the {@code dev.serving4j} exception types); null on success.
   */
  public String getErrorType() {
    return errorType;
  }

  /** The error's message (naming the model, version and what was wrong); null on success. */
  public String getErrorMessage() {
    return errorMessage;
  }

  /** For Flink's serializer. */
  public void setInput(I input) {
    this.input = input;
  }

  /** For Flink's serializer. */
  public void setOutput(O output) {
    this.output = output;
  }

  /** For Flink's serializer. */
  public void setErrorType(String errorType) {
    this.errorType = errorType;
  }

  /** For Flink's serializer. */
  public void setErrorMessage(String errorMessage) {
    this.errorMessage = errorMessage;
  }

  @Override
  public String toString() {
    return isSuccess() ? "Prediction[" + input + " -> " + output + "]"
        : "Prediction[" + input + " failed: " + errorType + ": " + errorMessage + "]";
  }
}
