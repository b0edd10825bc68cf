package dev.serving4j.internal;

import dev.serving4j.Device;
import dev.serving4j.HandlerContext;
import dev.serving4j.Manifest;
import dev.serving4j.ServingException;
import dev.serving4j.spi.EngineModel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link HandlerContext} of one worker; owns the engine models the handler loads, closing them with it. */
final class WorkerContext implements HandlerContext {
  private static final Logger log = LoggerFactory.getLogger(WorkerContext.class);

  private final ModelVersion version;
  private final int workerId;
  private final Device device;
  private final List<EngineModel> models = new ArrayList<>();

  WorkerContext(ModelVersion version, int workerId, Device device) {
    this.version = version;
    this.workerId = workerId;
    this.device = device;
  }

  @Override
  public String modelName() {
    return version.name;
  }

  @Override
  public String modelVersion() {
    return version.version;
  }

  @Override
  public Manifest manifest() {
    return version.manifest;
  }

  @Override
  public Path modelDirectory() {
    return version.directory;
  }

  @Override
  public Map<String, String> properties() {
    return version.handlerProperties;
  }

  @Override
  public int workerId() {
    return workerId;
  }

  @Override
  public Device device() {
    return device;
  }

  @Override
  public Duration inferenceTimeout() {
    return version.config.inferenceTimeout();
  }

  @Override
  public dev.serving4j.HandlerMetrics metrics() {
    return version.events.handlerMetrics();
  }

  @Override
  public EngineModel loadModel() {
    if (version.engine == null) {
      throw new ServingException(version.label() + ": the manifest names no 'engine', so there is no model to load");
    }
    if (version.manifest.modelFile() == null) {
      throw new ServingException(version.label() + ": the manifest names no 'modelFile' to load");
    }
    EngineModel model = version.engine.load(version.directory.resolve(version.manifest.modelFile()), device,
        workerId);
    synchronized (models) {
      models.add(model);
    }
    return model;
  }

  /** Tells every model this worker loaded how many cores its next batch may use. */
  void coresForNextBatch(int cores) {
    synchronized (models) {
      for (EngineModel m : models) {
        m.coresForNextBatch(cores);
      }
    }
  }

  /** Asks every model this worker loaded to abort the run in progress (the watchdog, on the timer thread). */
  void abortRuns() {
    eachModel("Aborting a run", EngineModel::abort);
  }

  void closeModels() {
    synchronized (models) {
      eachModel("Closing a model", EngineModel::close);
      models.clear();
    }
  }

  /** Runs {@code action} on every model this worker loaded; one that throws is logged and the rest still run. */
  private void eachModel(String doing, java.util.function.Consumer<EngineModel> action) {
    synchronized (models) {
      for (EngineModel m : models) {
        try {
          action.accept(m);
        } catch (RuntimeException e) {
          log.warn("{} of {} on worker {} failed", doing, version.label(), workerId, e);
        }
      }
    }
  }
}
