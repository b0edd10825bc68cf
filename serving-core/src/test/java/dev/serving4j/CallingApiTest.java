package dev.serving4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 §4: the untyped call says what it returns. A {@code <O>} inferred at the call site turned a wrong guess
 * into a {@link ClassCastException} far from the call; typed calls go through {@link ModelServer#client}.
 */
class CallingApiTest {
  @Test
  void untypedPredictHasNoCallerChosenTypeParameter() {
    for (Method m : methods("predict", "predictBlocking")) {
      assertEquals(0, m.getTypeParameters().length, m + " lets the caller pick its output type");
    }
  }

  @Test
  void untypedPredictReturnsAFutureOfObject() throws NoSuchMethodException {
    Method predict = ModelServer.class.getMethod("predict", String.class, Object.class, PredictOptions.class);

    ParameterizedType type = (ParameterizedType) predict.getGenericReturnType();
    assertEquals(CompletableFuture.class, type.getRawType());
    assertEquals(Object.class, type.getActualTypeArguments()[0]);
  }

  @Test
  void optionFactoriesAreNotNamedLikeTheRecordAccessors() {
    List<String> accessors = Stream.of(PredictOptions.class.getRecordComponents()).map(c -> c.getName()).toList();
    for (Method m : PredictOptions.class.getMethods()) {
      if (java.lang.reflect.Modifier.isStatic(m.getModifiers()) && m.getReturnType() == PredictOptions.class) {
        assertEquals(false, accessors.contains(m.getName()), m + " reads like the accessor of the same name");
      }
    }
  }

  @Test
  void optionFactoriesSetOnlyTheirOwnField() {
    assertEquals(new PredictOptions("2", null, 0, null), PredictOptions.ofVersion("2"));
    assertEquals(new PredictOptions(null, java.time.Duration.ofSeconds(1), 0, null),
        PredictOptions.ofTimeout(java.time.Duration.ofSeconds(1)));
    assertEquals(new PredictOptions(null, null, 3, null), PredictOptions.ofPriority(3));
    assertEquals(new PredictOptions(null, null, 0, "k"), PredictOptions.ofKey("k"));
  }

  private static List<Method> methods(String... names) {
    List<String> wanted = List.of(names);
    return Stream.of(ModelServer.class.getMethods()).filter(m -> wanted.contains(m.getName())).toList();
  }
}
