package dev.serving4j.spi;

import dev.serving4j.Device;
import java.nio.file.Path;

/**
 * An inference engine serving one model version. Workers call {@link #load} from their own threads, concurrently;
 * the engine decides whether they share a loaded model (for example one ONNX Runtime session per device).
 */
public interface Engine extends AutoCloseable {

  /**
   * Loads {@code modelFile} for one worker on {@code device}.
   *
   * @throws dev.serving4j.ServingException when the file cannot be loaded or the device is unavailable
   */
  EngineModel load(Path modelFile, Device device, int workerId);

  /**
   * The workers to run when the configuration leaves the worker count to the engine (none of {@code workers},
   * {@code minWorkers}, {@code maxWorkers} set), on a machine with {@code cores} cores. Default 1; the ONNX engine's
   * elastic layout runs one per core.
   */
  default int defaultWorkers(int cores) {
    return 1;
  }

  /** Releases everything the engine still holds. Idempotent. */
  @Override
  void close();
}
