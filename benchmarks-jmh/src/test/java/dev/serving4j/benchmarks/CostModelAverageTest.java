package dev.serving4j.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.serving4j.ModelDescription.BatchCost;
import dev.serving4j.ServingEventListener.CostModelUpdated;
import java.util.List;
import org.junit.jupiter.api.Test;

class CostModelAverageTest {
  private static CostModelUpdated update(int min, int max, double a, double b, long samples) {
    return new CostModelUpdated("m", "1", min, new BatchCost(min, max, a, b, 0.5, samples));
  }

  @Test
  void averagesEachClassOverItsTrustedFits() {
    CostModelAverage average = new CostModelAverage();
    average.costModelUpdated(update(1, 1, 2, 0.1, 3));
    average.costModelUpdated(update(1, 1, 4, 0.3, 4));
    assertEquals(List.of(new BatchCost(1, 1, 3, 0.2, 0.5, 4)), average.averaged());
  }

  @Test
  void fitsBeforeAClassIsTrustedDoNotCount() {
    CostModelAverage average = new CostModelAverage();
    average.costModelUpdated(update(4, 7, 100, 9, 2));
    average.costModelUpdated(update(4, 7, 6, 0.5, 3));
    assertEquals(6, average.averaged().get(0).fixedMillis(), 1e-12);
  }
}
