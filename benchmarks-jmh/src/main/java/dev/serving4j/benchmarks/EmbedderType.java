package dev.serving4j.benchmarks;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.serving4j.BatchingMode;
import dev.serving4j.examples.DirectOrtEmbedder;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The implementations compared, ours and the peers', each behind {@link Embedder} for text and
 * {@link Implementation} for any compare workload; on the OCR workloads only serving4j with no config, the
 * hand-tuned two-worker layout and raw ONNX Runtime take part. Every side tokenizes
 * with the same Hugging Face tokenizer ({@code tokenizer.json}, truncation at 256 tokens) and mean-pools.
 *
 * <p>serving4j runs the configuration the bench tool's sweep found best for fp32 MiniLM on the shared 2-core
 * machine ({@code docs/benchmarks/sla-search/}): one worker, one intra-op thread, small batches under a token budget
 * so mixed lengths are grouped instead of padded to the longest (see {@code docs/tuning.md}).
 */
public enum EmbedderType {
  /**
   * serving4j registered with no configuration at all ({@code register(archive)}): what a new user gets, and the row
   * that counts.
   */
  SERVING4J_ZERO_CONFIG {
    @Override
    Embedder create(MiniLm variant, Path directory) {
      return new Serving4jEmbedder(variant.archive(directory), cfg -> { });
    }

    @Override
    Implementation open(OcrWorkload workload, Path directory) {
      return new Serving4jEmbedder(workload.archive(directory), cfg -> { });
    }
  },
  /** serving4j, {@code ADAPTIVE} batching (the default). */
  SERVING4J_ADAPTIVE {
    @Override
    Embedder create(MiniLm variant, Path directory) {
      return serving4j(variant, directory, BatchingMode.ADAPTIVE, WORKERS);
    }
  },
  /** serving4j, {@code FIXED_DELAY} batching with a 5 ms delay counted from the oldest request's arrival. */
  SERVING4J_FIXED_DELAY {
    @Override
    Embedder create(MiniLm variant, Path directory) {
      return serving4j(variant, directory, BatchingMode.FIXED_DELAY, WORKERS);
    }
  },
  /**
   * serving4j, {@code ADAPTIVE}, two workers of one intra-op thread each (sharing one session), batches of up to 8
   * under a 256-token budget: the best hand-tuned layout of issue 14's table on 2 cores.
   */
  SERVING4J_TWO_WORKERS {
    @Override
    Embedder create(MiniLm variant, Path directory) {
      return serving4j(variant, directory, BatchingMode.ADAPTIVE, 2);
    }

    /** For OCR: 2 workers x 1 intra-op thread, batches of up to 8 (classifier) or 1 (recognizer). */
    @Override
    Implementation open(OcrWorkload workload, Path directory) {
      return new Serving4jEmbedder(workload.archive(directory), cfg -> cfg.workers(2)
          .maxBatchSize(workload.handTunedBatchSize()).maxQueueSize(100_000)
          .engineOption("intraOpThreads", Integer.toString(INTRA_OP_THREADS)));
    }
  },
  /**
   * serving4j with the demo's defaults ({@code MiniLmArchive}): one worker with two intra-op threads (both cores on
   * one run, so a lone request is as fast as raw ORT's), batches of up to 16 under a 512-token budget.
   */
  SERVING4J_DEMO_DEFAULTS {
    @Override
    Embedder create(MiniLm variant, Path directory) {
      return new Serving4jEmbedder(variant.archive(directory), cfg -> cfg.workers(1).maxBatchSize(16)
          .maxBatchCost(512).maxQueueSize(100_000).engineOption("intraOpThreads", "2"));
    }
  },
  /** One ORT session shared by all threads, one request per run: what an application does without serving4j. */
  RAW_ORT {
    @Override
    Embedder create(MiniLm variant, Path directory) throws Exception {
      DirectOrtEmbedder ort = new DirectOrtEmbedder(variant.files(directory));
      return new Embedder() {
        @Override
        public float[] embed(String text) throws Exception {
          return ort.embed(text);
        }

        @Override
        public void close() throws Exception {
          ort.close();
        }
      };
    }

    @Override
    Implementation open(OcrWorkload workload, Path directory) throws Exception {
      return new RawOrtImages(workload);
    }
  },
  /** langchain4j's in-process {@code AllMiniLmL6V2EmbeddingModel.embed}, one text per call. */
  LANGCHAIN4J {
    @Override
    Embedder create(MiniLm variant, Path directory) {
      EmbeddingModel model = variant == MiniLm.FP32
          ? new AllMiniLmL6V2EmbeddingModel() : new AllMiniLmL6V2QuantizedEmbeddingModel();
      return new Embedder() {
        @Override
        public float[] embed(String text) {
          return model.embed(text).content().vector();
        }

        @Override
        public void close() {}
      };
    }
  },
  /** DJL's {@code Predictor} on its ONNX Runtime engine, one predictor per thread. */
  DJL {
    @Override
    Embedder create(MiniLm variant, Path directory) throws Exception {
      return new DjlEmbedder(variant.files(directory));
    }
  };

  /** Workers of the serving4j sides. */
  static final int WORKERS = 1;
  /** ORT intra-op threads per session of the serving4j sides: one, so no intra-op pool spins against others. */
  static final int INTRA_OP_THREADS = 1;
  /** Most requests per batch. */
  static final int MAX_BATCH_SIZE = 8;
  /** Token budget of a batch (largest request's tokens x batch size): small, as padding is the cost on CPU. */
  static final long MAX_BATCH_COST = 256;

  /** Opens this implementation on the model variant, files under {@code directory}. */
  abstract Embedder create(MiniLm variant, Path directory) throws Exception;

  /**
   * Opens this implementation for a compare workload: a text workload ({@code corpus:...} or a file) on fp32
   * MiniLM, or an OCR workload ({@link OcrWorkload}) on its PaddleOCR model.
   *
   * @return the implementation, or null when it has none for that workload (the text-only peers on OCR)
   */
  Implementation open(String workload, Path directory) throws Exception {
    OcrWorkload ocr = OcrWorkload.named(workload);
    return ocr == null ? Implementation.of(create(MiniLm.FP32, directory)) : open(ocr, directory);
  }

  /** This implementation on an OCR workload, or null when it has none (the default: text-only). */
  Implementation open(OcrWorkload workload, Path directory) throws Exception {
    return null;
  }

  private static Embedder serving4j(MiniLm variant, Path directory, BatchingMode mode, int workers) {
    return new Serving4jEmbedder(variant.archive(directory), cfg -> cfg.workers(workers)
        .maxBatchSize(MAX_BATCH_SIZE).maxBatchCost(MAX_BATCH_COST).batchingMode(mode)
        .maxBatchDelay(Duration.ofMillis(5)).maxQueueSize(100_000)
        .engineOption("intraOpThreads", Integer.toString(INTRA_OP_THREADS)));
  }
}
