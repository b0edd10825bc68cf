package dev.serving4j.flink;

/**
 * What makes two archives the same model: the manifest's name and version and the SHA-256 of the archive's content.
 * Subtasks (and jobs) whose archives have the same identity share one {@code ModelServer} per TaskManager.
 *
 * @param name the manifest's model name
 * @param version the manifest's model version
 * @param sha256 the archive content's SHA-256, lower-case hex
 */
public record ArchiveIdentity(String name, String version, String sha256) {
  /** For logs: the name, version and the hash's first 12 digits. */
  @Override
  public String toString() {
    return "model '" + name + "' version '" + version + "' (sha256 " + sha256.substring(0, 12) + "...)";
  }
}
