package dev.serving4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serving4j.ModelClient;
import dev.serving4j.ModelServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's pieces at a small scale: 200 corpus sentences from 8 client threads through a served archive,
 * checked against unbatched ONNX Runtime runs.
 */
class EmbeddingServingTest {
  private static final int SENTENCES = 200;
  private static final int THREADS = 8;

  @TempDir
  static Path dir;

  static MiniLmFiles files;
  static ModelServer server;
  static ModelClient<String, float[]> minilm;
  static DirectOrtEmbedder reference;
  static List<String> texts;
  static LoadResult served;

  @BeforeAll
  static void serveTheCorpus() throws Exception {
    files = MiniLmFiles.copyTo(dir);
    reference = new DirectOrtEmbedder(files);
    server = ModelServer.builder().build();
    server.register(MiniLmArchive.writeZip(files, dir.resolve("minilm.s4j")));
    minilm = server.client(MiniLmArchive.NAME, String.class, float[].class);
    texts = Corpus.load().first(SENTENCES).sentences().stream().map(Corpus.Sentence::text).toList();
    ConcurrentLoad load = new ConcurrentLoad(texts, SENTENCES, THREADS);
    try (ProgressBar quiet = new ProgressBar(new PrintWriter(new StringWriter()), false, "test", SENTENCES)) {
      served = load.run("test", text -> minilm.predict(text).get(), quiet);
    }
  }

  @AfterAll
  static void close() throws Exception {
    server.close();
    reference.close();
  }

  @Test
  void everySentenceGetsTheVectorOfAnUnbatchedRun() throws Exception {
    assertEquals(SENTENCES, served.vectors().size());
    for (int i = 0; i < SENTENCES; i++) {
      double cosine = SemanticSearch.cosine(reference.embed(texts.get(i)), served.vectors().get(i));
      assertTrue(cosine >= 0.9999, "sentence " + i + " '" + texts.get(i) + "': cosine " + cosine);
    }
  }

  @Test
  void concurrentCallersAreBatchedTogether() {
    double meanBatchSize = server.describe(MiniLmArchive.NAME).versions().get(0).counts().meanBatchSize();
    assertTrue(meanBatchSize > 1, "mean batch size " + meanBatchSize);
  }

  @Test
  void semanticSearchFindsTheHandMadeNeighbour() {
    Map<String, String> queryToSentence = Map.of(
        "how do I shrink a file so it takes less disk space", "Compress data with gzip and write it to a file.",
        "send an email to a colleague", "Send a mail message through an SMTP server.",
        "turn the text '2024-05-01' into a date", "Parse a date string according to a format.",
        "pick something at random", "Choose a random element from a non-empty sequence.",
        "wait until another thread is done", "Block until the thread terminates.");
    List<String> sentences = new ArrayList<>(queryToSentence.values());
    SemanticSearch index = new SemanticSearch(sentences, sentences.stream().map(minilm::predictBlocking).toList());
    queryToSentence.forEach((query, expected) -> {
      SemanticSearch.Hit best = index.top(minilm.predictBlocking(query), 1).get(0);
      assertEquals(expected, best.text(), "best match for '" + query + "'");
    });
  }

  @Test
  void theCorpusHoldsThousandsOfRealSentencesOfVariedLength() {
    Corpus corpus = Corpus.load();
    assertTrue(corpus.size() >= 2_500, "sentences: " + corpus.size());
    for (Corpus.Sentence s : corpus.sentences()) {
      int words = s.text().split("\\s+").length;
      assertTrue(words >= 5 && words <= 60, s.text());
    }
    assertTrue(corpus.sentences().stream().anyMatch(s -> s.text().split("\\s+").length >= 40), "long sentences");
  }
}
