package dev.serving4j.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The wide-or-one-thread choice for lone runs, driven by synthetic run times (no clock, no session). */
class WideChoiceTest {
  private static final long ELEMENTS = 1_000;
  /** Lone runs until the first choice: both sessions' cold runs and samples. */
  private static final int LEARNING = 2 * (WideChoice.COLD + WideChoice.SAMPLES);

  /** Runs {@code n} lone runs whose times come from the session they were sent to; counts the wide ones. */
  private static int run(WideChoice choice, int n, long narrowNanos, long wideNanos) {
    int wide = 0;
    for (int i = 0; i < n; i++) {
      long ticket = choice.starting(true);
      boolean onWide = WideChoice.wide(ticket);
      wide += onWide ? 1 : 0;
      choice.finished(ticket, onWide ? wideNanos : narrowNanos, ELEMENTS);
    }
    return wide;
  }

  @Test
  void learnsFromBothSessionsInTurnWideFirst() {
    WideChoice choice = new WideChoice("m:1");
    assertEquals(LEARNING / 2, run(choice, LEARNING, 1_000_000, 1_000_000));
    assertTrue(choice.prefersWide(), "not chosen yet: the wide session is the default");
  }

  @Test
  void aModelThatRunsFasterOnOneThreadGoesThereUntilItLearnsAfresh() {
    WideChoice choice = new WideChoice("cls:1"); // the classifier's shape in one probe: 1.9 ms on one thread, 2.6 on two
    run(choice, LEARNING, 1_900_000, 2_600_000);
    assertEquals(0, run(choice, WideChoice.FIRST_PHASE, 1_900_000, 2_600_000));
    assertFalse(choice.prefersWide());
    // Then a learning phase (half on each session; the cold runs are over) and the same choice again, for longer.
    assertEquals(WideChoice.SAMPLES, run(choice, 2 * WideChoice.SAMPLES, 1_900_000, 2_600_000));
    assertEquals(0, run(choice, 2 * WideChoice.FIRST_PHASE, 1_900_000, 2_600_000));
  }

  @Test
  void aConfirmedChoiceLastsTwiceAsLongEachTimeUpToRelearnEveryAndANewOneStartsShort() {
    WideChoice choice = new WideChoice("m:1");
    run(choice, LEARNING + 1, 9_000_000, 5_000_000);
    assertEquals(WideChoice.FIRST_PHASE, choice.phase());
    for (int expected = 2 * WideChoice.FIRST_PHASE; expected <= WideChoice.RELEARN_EVERY; expected *= 2) {
      run(choice, choice.phase() + 2 * WideChoice.SAMPLES, 9_000_000, 5_000_000);
      assertEquals(expected, choice.phase());
    }
    run(choice, choice.phase() + 2 * WideChoice.SAMPLES, 9_000_000, 5_000_000);
    assertEquals(WideChoice.RELEARN_EVERY, choice.phase(), "capped");
    run(choice, choice.phase() + 2 * WideChoice.SAMPLES, 4_000_000, 12_000_000); // now faster on one thread
    assertFalse(choice.prefersWide());
    assertEquals(WideChoice.FIRST_PHASE, choice.phase(), "a changed choice is checked again soon");
  }

  @Test
  void aModelThatRunsFasterWideStaysWide() {
    WideChoice choice = new WideChoice("minilm:1");
    run(choice, LEARNING, 9_000_000, 5_000_000);
    assertEquals(WideChoice.FIRST_PHASE, run(choice, WideChoice.FIRST_PHASE, 9_000_000, 5_000_000));
    assertTrue(choice.prefersWide());
  }

  @Test
  void aChoiceLearntInADisturbedPhaseLastsTheFirstPhaseOnly() {
    WideChoice choice = new WideChoice("m:1");
    run(choice, LEARNING + 1, 4_000_000, 12_000_000); // the JIT compiler took the second core while it learnt
    assertFalse(choice.prefersWide());
    run(choice, WideChoice.FIRST_PHASE, 9_000_000, 5_000_000); // it is done
    run(choice, 2 * WideChoice.SAMPLES, 9_000_000, 5_000_000);
    assertTrue(choice.prefersWide());
  }

  @Test
  void inputsOfMixedSizesAreComparedAtTheSameSize() {
    // MiniLM's shape: the one-thread session is cheaper per run and 1.67x dearer per token.
    WideChoice choice = new WideChoice("minilm:1");
    for (int i = 0; i < LEARNING; i++) {
      long ticket = choice.starting(true);
      boolean onWide = WideChoice.wide(ticket);
      long tokens = 5 + (i * 37L) % 56; // 5 to 60 words
      choice.finished(ticket, onWide ? 1_500_000 + 60_000 * tokens : 1_000_000 + 100_000 * tokens, tokens);
    }
    double wide = choice.predictedNanos(true);
    double narrow = choice.predictedNanos(false);
    assertTrue(narrow / wide > 1.15 && narrow / wide < 1.30, "about 1.23x at 32 words: " + wide + " vs " + narrow);
    choice.starting(true); // the first lone run after learning makes the choice
    assertTrue(choice.prefersWide());
  }

  @Test
  void aOneThreadSessionThatIsBarelyFasterDoesNotTakeLoneRuns() {
    WideChoice choice = new WideChoice("rec:1");
    run(choice, LEARNING, 950_000, 1_000_000); // 5% faster on one thread: inside the margin
    assertEquals(WideChoice.FIRST_PHASE, run(choice, WideChoice.FIRST_PHASE, 950_000, 1_000_000));
  }

  @Test
  void runsSideBySideAreNotTimedAsLoneRuns() {
    WideChoice choice = new WideChoice("m:1");
    long first = choice.starting(true); // two workers warming up at once
    long second = choice.starting(true);
    choice.finished(second, 5_000_000, ELEMENTS);
    choice.finished(first, 5_000_000, ELEMENTS);
    long lone = choice.starting(true);
    long beside = choice.starting(false); // a batch starts on another worker during the lone run
    choice.finished(beside, 1_000_000, ELEMENTS);
    choice.finished(lone, 5_000_000, ELEMENTS);
    assertFalse(WideChoice.wide(beside), "a run beside others takes the one-thread session");
    // None of those counted: the wide session still has its cold runs, then its samples, to do.
    assertEquals(WideChoice.COLD + 1, run(choice, WideChoice.COLD + 1, 1_000_000, 2_000_000));
    assertEquals(2_000_000, choice.predictedNanos(true), 1);
  }

  @Test
  void aFailedRunEndsWithoutATimingAndLeavesTheNextRunLone() {
    WideChoice choice = new WideChoice("m:1");
    choice.finished(choice.starting(true), 0, 0);
    run(choice, WideChoice.COLD + 1, 1_000_000, 3_000_000);
    assertEquals(3_000_000, choice.predictedNanos(true), 1);
  }

  @Test
  void oneOutlierCountsAsFourTimesItsPrediction() {
    WideChoice choice = new WideChoice("m:1");
    run(choice, WideChoice.COLD, 1, 1_000_000);
    choice.loneRunTook(true, 1_000_000, ELEMENTS);
    choice.loneRunTook(true, 1_000_000_000, ELEMENTS); // a GC pause of a second inside one wide run
    assertEquals(2_500_000, choice.predictedNanos(true), 1);
  }
}
