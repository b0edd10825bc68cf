package dev.serving4j;

/** Checks that a path written in a manifest or a zip entry stays inside the archive. */
final class ArchivePaths {
  private ArchivePaths() {}

  /** Requires a relative, normalized, forward-slash path with no {@code ..}, no drive letter and no control chars. */
  static String requireSafe(String field, String path) {
    String problem = problem(path);
    if (problem != null) {
      String shown = path == null ? "null" : "'" + (path.length() > 80 ? path.substring(0, 80) + "..." : path) + "'";
      throw new ArchiveException("manifest field '" + field + "' has unsafe path " + shown + ": " + problem);
    }
    return path;
  }

  /** Returns why {@code path} is unsafe, or null when it is fine. */
  static String problem(String path) {
    if (path == null || path.isEmpty()) {
      return "empty";
    }
    if (path.length() > 512) {
      return "longer than 512 characters";
    }
    if (path.startsWith("/") || path.contains("\\") || path.matches("^[A-Za-z]:.*")) {
      return "must be relative with forward slashes";
    }
    for (char c : path.toCharArray()) {
      if (c < 0x20 || c == 0x7f) {
        return "contains a control character";
      }
    }
    for (String part : path.split("/", -1)) {
      if (part.isEmpty() || part.equals(".") || part.equals("..")) {
        return "must not contain empty, '.' or '..' segments";
      }
    }
    return null;
  }
}
