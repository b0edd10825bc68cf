package dev.serving4j.internal.metrics;

import dev.serving4j.ServingEventListener;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls every listener in registration order, each guarded: a listener that throws is logged once (its first
 * failure) and keeps receiving events; the others are unaffected and serving carries on.
 */
final class GuardedListeners {
  private static final Logger log = LoggerFactory.getLogger(GuardedListeners.class);

  private final ServingEventListener[] listeners;
  private final AtomicBoolean[] warned;

  GuardedListeners(List<ServingEventListener> listeners) {
    this.listeners = listeners.toArray(new ServingEventListener[0]);
    this.warned = new AtomicBoolean[this.listeners.length];
    for (int i = 0; i < warned.length; i++) {
      warned[i] = new AtomicBoolean();
    }
  }

  /** Delivers {@code event}; pass a method reference such as {@code ServingEventListener::batchStarted}. */
  <E> void emit(BiConsumer<ServingEventListener, E> method, E event) {
    for (int i = 0; i < listeners.length; i++) {
      try {
        method.accept(listeners[i], event);
      } catch (Throwable t) { // an observer must never break serving, whatever it throws
        if (!warned[i].getAndSet(true)) {
          log.warn("ServingEventListener {} threw on {}; it keeps receiving events and further failures are not "
              + "logged", listeners[i].getClass().getName(), event, t);
        }
      }
    }
  }
}
