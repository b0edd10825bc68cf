package dev.serving4j.examples;

import dev.serving4j.BatchingMode;
import dev.serving4j.Manifest;
import dev.serving4j.ModelArchive;
import dev.serving4j.ModelClient;
import dev.serving4j.ModelConfig;
import dev.serving4j.ModelDescription;
import dev.serving4j.ModelServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * README command 1: a real embedding service with dynamic batching, measured against plain ONNX Runtime.
 *
 * <ol>
 *   <li>copies all-MiniLM-L6-v2 and its tokenizer out of the class path and packages them as a serving4j archive;
 *   <li>registers the archive with a {@link ModelServer};
 *   <li>embeds a corpus of real sentences from many client threads through {@code predict};
 *   <li>answers a few semantic-search queries against the corpus;
 *   <li>sends the same requests from the same threads to one shared ORT session, one request per run;
 *   <li>prints throughput, p50, p99 and mean batch size of both, all measured in this run.
 * </ol>
 *
 * <p>Run: {@code ./mvnw -q install -DskipTests && ./mvnw -q -pl serving-examples exec:java}; options after
 * {@code -Dexec.args="--threads 16 --mode FIXED_DELAY"}, {@code --help} lists them.
 */
@Command(name = "embedding-demo", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Embeds a corpus with serving4j (dynamic batching) and with plain ONNX Runtime, and compares.")
public final class EmbeddingDemo implements Callable<Integer> {
  /** Queries whose best matches are checked by {@code EmbeddingDemoTest}. */
  static final List<String> QUERIES = List.of(
      "how do I parse a date from a string",
      "compress a file",
      "send an email",
      "create a temporary directory",
      "generate a random number");

  @Option(names = "--threads", defaultValue = "64", description = "client threads calling at once (${DEFAULT-VALUE})")
  int threads;

  @Option(names = "--requests", description = "requests per run (default: the whole corpus, or 200 with --quick)")
  Integer requests;

  @Option(names = "--mode", description = "batching mode: ${COMPLETION-CANDIDATES} (default: serving4j's, ADAPTIVE)")
  BatchingMode mode;

  @Option(names = "--max-batch-size", description = "most requests per batch (default: serving4j's)")
  Integer maxBatchSize;

  @Option(names = "--max-batch-cost", description = "padded-token budget per batch, 0 = none (default: none)")
  Long maxBatchCost;

  @Option(names = "--workers", description = "worker threads (default: the engine's choice, one per core)")
  Integer workers;

  @Option(names = "--intra-op-threads", description = "ONNX Runtime threads per session (default: the engine's "
      + "elastic layout)")
  Integer intraOpThreads;

  @Option(names = "--quick", description = "a reduced run for tests: 200 requests from 8 threads")
  boolean quick;

  @Spec
  CommandSpec spec;

  private PrintWriter out;

  /** Runs the demo and exits with its status when that is not 0. */
  public static void main(String[] args) {
    int status = run(new PrintWriter(System.out, true), args);
    if (status != 0) {
      System.exit(status);
    }
  }

  /** Runs the demo, printing to {@code out}; returns the exit status (0 success, 1 failure, 2 usage error). */
  public static int run(PrintWriter out, String... args) {
    CommandLine cli = new CommandLine(new EmbeddingDemo()).setOut(out).setErr(out);
    int status = cli.execute(args);
    out.flush();
    return status;
  }

  @Override
  public Integer call() throws Exception {
    out = spec.commandLine().getOut();
    int clientThreads = quick ? Math.min(threads, 8) : threads;
    Corpus corpus = Corpus.load();
    int requestCount = requests != null ? requests : quick ? 200 : corpus.size();
    Corpus used = corpus.first(requestCount);
    List<String> texts = used.sentences().stream().map(Corpus.Sentence::text).toList();
    out.printf("serving4j embedding demo: all-MiniLM-L6-v2, %d requests over %d sentences from Python's standard "
        + "library docstrings, %d client threads, %d cores%n%n", requestCount, texts.size(), clientThreads,
        Runtime.getRuntime().availableProcessors());
    Path work = Files.createTempDirectory("serving4j-demo-");
    try {
      MiniLmFiles files = MiniLmFiles.copyTo(work.resolve("minilm"));
      Path archivePath = MiniLmArchive.writeZip(files, work.resolve("minilm.s4j"));
      ConcurrentLoad load = new ConcurrentLoad(texts, requestCount, clientThreads);
      Served served = serve(archivePath, used, load);
      LoadResult direct = runDirect(files, load);
      printVectorAgreement(served.load(), direct);
      printTable(served, direct, clientThreads);
      return 0;
    } finally {
      deleteRecursively(work);
    }
  }

  /** What the serving4j run produced. */
  private record Served(LoadResult load, double meanBatchSize, ModelConfig config) {}

  private Served serve(Path archivePath, Corpus texts, ConcurrentLoad load) throws Exception {
    try (ModelArchive archive = ModelArchive.open(archivePath);
        ModelServer server = ModelServer.builder().name("demo").build()) {
      printArchive(archive);
      long start = System.nanoTime();
      ModelDescription description = server.register(archive, this::applyFlags);
      ModelConfig config = description.versions().get(0).config();
      out.printf("2. Registered '%s' with a ModelServer in %.1f s: %d worker(s), %s batching, maxBatchSize %d, "
          + "engine options %s%n%n", MiniLmArchive.NAME, (System.nanoTime() - start) / 1e9, config.minWorkers(),
          config.batchingMode(), config.maxBatchSize(), config.engineOptions());
      ModelClient<String, float[]> minilm = server.client(MiniLmArchive.NAME, String.class, float[].class);
      ModelDescription.Counts before = counts(server);
      out.printf("3. Embedding through ModelServer.predict%n");
      LoadResult result = measure("serving4j", load, text -> minilm.predict(text).get());
      ModelDescription.Counts after = counts(server);
      double meanBatch = (double) (after.batchedRequests() - before.batchedRequests())
          / Math.max(1, after.batches() - before.batches());
      search(minilm, texts, result.vectors());
      return new Served(result, meanBatch, config);
    }
  }

  private void applyFlags(ModelConfig.Builder cfg) {
    if (mode != null) {
      cfg.batchingMode(mode);
    }
    if (workers != null) {
      cfg.workers(workers);
    }
    if (maxBatchSize != null) {
      cfg.maxBatchSize(maxBatchSize);
    }
    if (intraOpThreads != null) {
      cfg.engineOption("intraOpThreads", intraOpThreads.toString());
    }
    if (maxBatchCost != null) {
      cfg.maxBatchCost(maxBatchCost);
    }
  }

  private static ModelDescription.Counts counts(ModelServer server) {
    return server.describe(MiniLmArchive.NAME).versions().get(0).counts();
  }

  private void printArchive(ModelArchive archive) throws IOException {
    Manifest m = archive.manifest();
    out.printf("1. Archive %s (%s; a temporary directory, deleted at exit)%n", archive.source(),
        megabytes(Files.size(archive.source())));
    out.printf("   %s:%s  handler=%s  engine=%s  modelFile=%s  created %s%n", m.modelName(), m.modelVersion(),
        m.handler(), m.engine(), m.modelFile(), m.createdOn());
    for (Map.Entry<String, String> f : m.files().entrySet()) {
      out.printf("   %-22s %10s  sha256 %s...%n", f.getKey(), megabytes(Files.size(archive.file(f.getKey()))),
          f.getValue().substring(0, 16));
    }
    out.printf("   config %s%n   handlerProperties %s%n%n", m.config(), m.handlerProperties());
  }

  private LoadResult runDirect(MiniLmFiles files, ConcurrentLoad load) throws Exception {
    out.printf("5. The same requests from the same threads on one shared ONNX Runtime session, one request per run%n");
    try (DirectOrtEmbedder direct = new DirectOrtEmbedder(files)) {
      direct.embed("warm up the session before measuring");
      return measure("plain ORT", load, direct::embed);
    }
  }

  private LoadResult measure(String label, ConcurrentLoad load, ConcurrentLoad.Embedder embedder)
      throws Exception {
    LoadResult result;
    try (ProgressBar bar = new ProgressBar(out, ProgressBar.isTerminal(), label, load.requests())) {
      result = load.run(label, embedder, bar);
    }
    out.printf("   %d requests in %.1f s%n%n", result.requests(), result.elapsedNanos() / 1e9);
    return result;
  }

  private void search(ModelClient<String, float[]> minilm, Corpus corpus, List<float[]> vectors) {
    out.printf("4. Semantic search over the %d embedded sentences (cosine similarity, top 3)%n", corpus.size());
    SemanticSearch index = new SemanticSearch(corpus.sentences().stream().map(Corpus.Sentence::text).toList(),
        vectors);
    for (String query : QUERIES) {
      out.printf("   \"%s\"%n", query);
      for (SemanticSearch.Hit hit : index.top(minilm.predictBlocking(query), 3)) {
        out.printf("     %.3f  %-12s %s%n", hit.score(), corpus.sentences().get(hit.index()).module(),
            abbreviate(hit.text(), 90));
      }
    }
    out.println();
  }

  private void printVectorAgreement(LoadResult served, LoadResult direct) {
    double min = 1;
    for (int i = 0; i < served.vectors().size(); i++) {
      min = Math.min(min, SemanticSearch.cosine(served.vectors().get(i), direct.vectors().get(i)));
    }
    out.printf("   Batched serving4j vectors vs unbatched plain ORT: lowest cosine similarity %.6f over %d "
        + "sentences%n%n", min, served.vectors().size());
  }

  private void printTable(Served served, LoadResult direct, int clientThreads) {
    ModelConfig c = served.config();
    out.printf("6. Results, measured in this run (%d requests, %d client threads, %d cores)%n%n",
        direct.requests(), clientThreads, Runtime.getRuntime().availableProcessors());
    out.println("| mode | throughput req/s | p50 ms | p99 ms | mean batch size |");
    out.println("|---|---:|---:|---:|---:|");
    row(String.format("serving4j %s (workers=%d, maxBatchSize=%d, maxBatchCost=%d, %s)", c.batchingMode(),
        c.minWorkers(), c.maxBatchSize(), c.maxBatchCost(), c.engineOptions()), served.load(), String.format("%.1f", served.meanBatchSize()));
    row("plain ORT, shared session, 1 request per run", direct, "1.0");
    out.flush();
  }

  private void row(String mode, LoadResult r, String meanBatch) {
    out.printf("| %s | %.0f | %.1f | %.1f | %s |%n", mode, r.throughput(), r.latencyMillis(50),
        r.latencyMillis(99), meanBatch);
  }

  private static String megabytes(long bytes) {
    return String.format("%.1f MB", bytes / 1e6);
  }

  private static String abbreviate(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max - 3) + "...";
  }

  private static void deleteRecursively(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
