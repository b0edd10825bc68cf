package dev.serving4j.examples;

import dev.serving4j.ModelArchive;
import dev.serving4j.ModelClient;
import dev.serving4j.ModelServer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The README's quickstart, compiled by the build so it cannot rot: package a model as an archive, register it, and
 * call it. Run: {@code ./mvnw -q -pl serving-examples exec:java -Ddemo.main=dev.serving4j.examples.Quickstart}.
 */
public final class Quickstart {
  private Quickstart() {}

  /** Embeds one sentence with all-MiniLM-L6-v2 copied out of the class path; returns the vector's length. */
  public static int embedOneSentence(Path model, Path tokenizer, Path workDirectory) {
    // --- README quickstart: begin ---
    Path archive = ModelArchive.builder("minilm", "1")
        .handler("embedding")                       // built-in: String in, float[] out
        .engine("onnxruntime")
        .modelFile("model.onnx", model)
        .file("tokenizer.json", tokenizer)
        .writeZip(workDirectory.resolve("minilm.s4j"));

    try (ModelServer server = ModelServer.builder().build()) {
      server.register(archive);
      ModelClient<String, float[]> minilm = server.client("minilm", String.class, float[].class);
      float[] vector = minilm.predict("Serving models in process avoids a network hop.").join();
      System.out.println(vector.length + " dimensions"); // 384 dimensions
      return vector.length;
    }
    // --- README quickstart: end ---
  }

  /** Runs the quickstart in a temporary directory. */
  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("serving4j-quickstart-");
    MiniLmFiles files = MiniLmFiles.copyTo(dir);
    embedOneSentence(files.model(), files.tokenizer(), dir);
  }
}
