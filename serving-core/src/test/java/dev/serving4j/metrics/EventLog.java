package dev.serving4j.metrics;

import dev.serving4j.ServingEventListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A listener that records every event and releases a permit per request end and per finished batch, so a test can
 * wait until the server has reported what it expects. Meters are recorded before listeners are called, so once an
 * event arrived here, its meters are up to date.
 */
final class EventLog implements ServingEventListener {
  /** One reported event and the listener method that received it. */
  record Entry(String method, Object event) {}

  final List<Entry> events = new CopyOnWriteArrayList<>();
  private final Semaphore ends = new Semaphore(0);
  private final Semaphore batches = new Semaphore(0);

  void awaitRequestEnds(int n) throws InterruptedException {
    if (!ends.tryAcquire(n, 20, TimeUnit.SECONDS)) {
      throw new AssertionError("fewer than " + n + " request ends reported: " + events);
    }
  }

  void awaitBatchesFinished(int n) throws InterruptedException {
    if (!batches.tryAcquire(n, 20, TimeUnit.SECONDS)) {
      throw new AssertionError("fewer than " + n + " finished batches reported: " + events);
    }
  }

  <E> List<E> all(Class<E> type) {
    return events.stream().map(Entry::event).filter(type::isInstance).map(type::cast).toList();
  }

  long count(String method) {
    return events.stream().filter(e -> e.method().equals(method)).count();
  }

  List<String> methods() {
    return events.stream().map(Entry::method).toList();
  }

  private void add(String method, Object event) {
    events.add(new Entry(method, event));
  }

  private void end(String method, RequestFinished e) {
    add(method, e);
    ends.release();
  }

  @Override
  public void modelRegistered(ModelEvent event) {
    add("modelRegistered", event);
  }

  @Override
  public void modelUnregistered(ModelEvent event) {
    add("modelUnregistered", event);
  }

  @Override
  public void requestQueued(RequestQueued event) {
    add("requestQueued", event);
  }

  @Override
  public void requestRejected(RequestRejected event) {
    add("requestRejected", event);
  }

  @Override
  public void requestSucceeded(RequestFinished event) {
    end("requestSucceeded", event);
  }

  @Override
  public void requestFailed(RequestFinished event) {
    end("requestFailed", event);
  }

  @Override
  public void requestExpired(RequestFinished event) {
    end("requestExpired", event);
  }

  @Override
  public void requestCancelled(RequestFinished event) {
    end("requestCancelled", event);
  }

  @Override
  public void batchStarted(BatchStarted event) {
    add("batchStarted", event);
  }

  @Override
  public void batchFinished(BatchFinished event) {
    add("batchFinished", event);
    batches.release();
  }

  @Override
  public void workerStarted(WorkerEvent event) {
    add("workerStarted", event);
  }

  @Override
  public void workerStopped(WorkerEvent event) {
    add("workerStopped", event);
  }

  @Override
  public void workerRestarting(WorkerEvent event) {
    add("workerRestarting", event);
  }
}
