package dev.serving4j.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serving4j.InvalidInputException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The embedding handler on the real all-MiniLM-L6-v2 model. */
class EmbeddingHandlerTest {
  @TempDir
  static Path dir;

  static MiniLm miniLm;

  @RegisterExtension
  final EngineFixture engines = new EngineFixture();

  @BeforeAll
  static void copyModel() throws Exception {
    miniLm = new MiniLm(dir);
  }

  @AfterAll
  static void closeReference() throws Exception {
    miniLm.close();
  }

  private EmbeddingHandler handler(OnnxEngine engine, int worker, Map<String, String> properties)
      throws Exception {
    EmbeddingHandler h = new EmbeddingHandler();
    h.initialize(new TestContext(engine, dir.resolve(MiniLm.MODEL), properties).withWorker(worker));
    return h;
  }

  @Test
  void aBatchOfMixedLengthsEqualsUnbatchedRuns() throws Exception {
    try (EmbeddingHandler h = handler(engines.engine(Map.of()), 0, Map.of())) {
      List<float[]> out = TestBatch.run(h, TestBatch.of(MiniLm.SENTENCES));
      for (int i = 0; i < MiniLm.SENTENCES.length; i++) {
        float[] expected = miniLm.embed(MiniLm.SENTENCES[i]);
        assertEquals(384, out.get(i).length);
        assertTrue(MiniLm.cosine(expected, out.get(i)) >= 0.9999, "sentence " + i);
        assertEquals(1.0, Math.sqrt(dot(out.get(i))), 1e-4, "L2-normalised");
      }
    }
  }

  private static double dot(float[] v) {
    double s = 0;
    for (float x : v) {
      s += x * x;
    }
    return s;
  }

  @Test
  void anEmptyTextIsRefusedWhilePreparedSoItNeverReachesABatch() throws Exception {
    try (EmbeddingHandler h = handler(engines.engine(Map.of()), 0, Map.of())) {
      for (String bad : new String[] {"", "   ", null}) {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> h.prepare(bad));
        assertTrue(e.getMessage().contains("non-blank text"), e.getMessage());
      }
      List<float[]> out = TestBatch.run(h, TestBatch.of("Hello there.", MiniLm.SENTENCES[4]));
      assertNotNull(out.get(0));
      assertTrue(MiniLm.cosine(miniLm.embed(MiniLm.SENTENCES[4]), out.get(1)) >= 0.9999);
    }
  }

  @Test
  void aTextsCostIsItsExactTokenCount() throws Exception {
    try (EmbeddingHandler h = handler(engines.engine(Map.of()), 0, Map.of())) {
      assertEquals(4, h.cost("hello world", h.prepare("hello world")));
    }
  }

  @Test
  void tokenCountIncludesSpecialTokensAndIsCappedByMaxLength() throws Exception {
    try (EmbeddingHandler h = handler(engines.engine(Map.of()), 0, Map.of("maxLength", "16"))) {
      assertEquals(4, h.tokenCount("hello world"));
      String longText = String.join(" ", java.util.Collections.nCopies(100, "word"));
      assertEquals(16, h.tokenCount(longText));
      assertEquals(384, TestBatch.run(h, TestBatch.of(longText)).get(0).length, "over-long text is truncated");
    }
  }

  @Test
  void thousandRequestsFromThirtyTwoThreadsEachGetTheirOwnVector() throws Exception {
    String[] texts = new String[40];
    float[][] expected = new float[texts.length][];
    for (int i = 0; i < texts.length; i++) {
      String base = MiniLm.SENTENCES[i % MiniLm.SENTENCES.length];
      texts[i] = "Sentence number " + i + ": " + base.substring(0, Math.min(base.length(), 4 + (i * 7) % 60));
      expected[i] = miniLm.embed(texts[i]);
    }
    OnnxEngine engine = engines.engine(Map.of());
    BlockingQueue<EmbeddingHandler> workers = new ArrayBlockingQueue<>(4);
    for (int w = 0; w < 4; w++) {
      workers.add(handler(engine, w, Map.of()));
    }
    assertEquals(Runtime.getRuntime().availableProcessors() > 1 ? 2 : 1, engine.openSessions(),
        "the four workers share the elastic layout's two sessions");
    AtomicInteger next = new AtomicInteger();
    AtomicInteger checked = new AtomicInteger();
    ExecutorService callers = Executors.newFixedThreadPool(32);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 32; t++) {
        done.add(callers.submit(() -> {
          for (int start; (start = next.getAndAdd(3)) < 1000; ) {
            int[] ids = java.util.stream.IntStream.range(start, Math.min(start + 3, 1000)).map(i -> (i * 13) % 40)
                .toArray();
            EmbeddingHandler h = workers.take();
            List<float[]> out;
            try {
              out = TestBatch.run(h, new TestBatch<>(Arrays.stream(ids).mapToObj(i -> texts[i]).toList()));
            } finally {
              workers.put(h);
            }
            for (int k = 0; k < ids.length; k++) {
              assertTrue(MiniLm.cosine(expected[ids[k]], out.get(k)) >= 0.9999, "text " + ids[k]);
              checked.incrementAndGet();
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      callers.shutdownNow();
      for (EmbeddingHandler h : workers) {
        h.close();
      }
    }
    assertEquals(1000, checked.get());
  }
}
