package dev.serving4j.internal;

/**
 * Server-level observability: creates each version's {@link VersionEvents} and reports registrations. The server
 * owns one; {@link #NONE} observes nothing.
 */
public interface ServerEvents {
  /** Observes nothing. */
  ServerEvents NONE = new ServerEvents() {
    @Override
    public VersionEvents forVersion(VersionView view) {
      return VersionEvents.NONE;
    }
  };

  /** Returns the events sink of a version that is being registered. */
  VersionEvents forVersion(VersionView view);

  /** A model version was registered and is serving. */
  default void modelRegistered(String model, String version) {}

  /** A model version was unregistered (after draining). */
  default void modelUnregistered(String model, String version) {}
}
