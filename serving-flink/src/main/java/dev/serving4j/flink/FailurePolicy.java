package dev.serving4j.flink;

/** What the operator does with a record whose prediction failed (bad input, handler error, deadline, full queue). */
public enum FailurePolicy {
  /**
   * Fail the job: the error reaches Flink, which restarts from the last checkpoint per its restart strategy. Right
   * when a failure means something is wrong with the deployment, not with one record.
   */
  FAIL_JOB,
  /**
   * Emit a {@link Prediction} carrying the input and the error's type and message, and carry on; downstream
   * operators route on {@link Prediction#isSuccess()}. Right when bad records are expected (user-supplied text,
   * images that do not decode). No record is ever dropped silently.
   */
  EMIT_ERROR
}
