package dev.serving4j.flink.bench;

import dev.serving4j.examples.Corpus;
import dev.serving4j.examples.DirectOrtEmbedder;
import dev.serving4j.examples.MiniLmArchive;
import dev.serving4j.examples.MiniLmFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;

/**
 * all-MiniLM-L6-v2 sentence embeddings over the examples' corpus: the examples' archive against
 * {@link DirectOrtEmbedder} (same tokenization and pooling, one sentence per run).
 */
final class MiniLmWorkload implements BenchWorkload<String, float[]> {
  /** Set by {@link #archive} before any job runs; the map's subtasks run in this JVM (a local MiniCluster). */
  private static volatile MiniLmFiles files;
  private static final JvmShared<DirectOrtEmbedder> EMBEDDER = new JvmShared<>(() -> new DirectOrtEmbedder(files));

  @Override
  public String name() {
    return "minilm";
  }

  @Override
  public Path archive(Path directory) {
    files = MiniLmFiles.copyTo(directory);
    return MiniLmArchive.writeZip(files, directory.resolve("minilm.s4j"));
  }

  @Override
  public List<String> records(int count) {
    List<Corpus.Sentence> corpus = Corpus.load().sentences();
    List<String> texts = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      texts.add(corpus.get(i % corpus.size()).text());
    }
    return texts;
  }

  @Override
  public Class<float[]> outputType() {
    return float[].class;
  }

  @Override
  public RichMapFunction<String, float[]> sharedSessionMap() {
    return new EmbedMap();
  }

  /** One sentence per ONNX Runtime run, on the JVM's shared session. */
  static final class EmbedMap extends RichMapFunction<String, float[]> {
    private transient DirectOrtEmbedder embedder;

    @Override
    public void open(OpenContext context) throws Exception {
      embedder = EMBEDDER.acquire();
    }

    @Override
    public float[] map(String text) throws Exception {
      return embedder.embed(text);
    }

    @Override
    public void close() throws Exception {
      if (embedder != null) {
        embedder = null;
        EMBEDDER.release();
      }
    }
  }
}
