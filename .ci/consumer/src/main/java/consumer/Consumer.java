package consumer;

import ai.onnxruntime.OrtEnvironment;
import dev.serving4j.ModelServer;
import dev.serving4j.onnx.Label;
import dev.serving4j.onnx.MissingDependencyException;

/** A new user's first program, compiled against the README's dependency block only (see ../consumer-check). */
public final class Consumer {
  private Consumer() {}

  public static void main(String[] args) {
    try (ModelServer server = ModelServer.builder().build()) {
      System.out.println("serving4j consumer: models " + server.models() + ", ONNX Runtime "
          + OrtEnvironment.getEnvironment().getVersion() + ", " + Label.class.getSimpleName() + " and "
          + MissingDependencyException.class.getSimpleName() + " on the class path");
    }
  }
}
