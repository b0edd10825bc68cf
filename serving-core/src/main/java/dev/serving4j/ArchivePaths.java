package dev.serving4j;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/** Checks that a path written in a manifest or a zip entry stays inside the archive. */
final class ArchivePaths {
  private ArchivePaths() {}

  /**
   * Resolves {@code value}, a path an archive gave, inside the archive's directory {@code root}: it must be safe
   * (see {@link #problem}) and must not pass through, or be, a symbolic link, so that what the engine later writes
   * lands inside {@code root}. Returns the absolute path.
   *
   * @param what how messages name the value and its archive, such as {@code "model 'm' version '1': manifest field
   *     'config.engineOptions.optimizedModelPath'"}
   * @throws ArchiveException naming {@code what} and the value
   */
  static Path resolveInside(Path root, String what, String value) {
    String problem = problem(value);
    if (problem != null) {
      throw outside(what, value, problem);
    }
    Path target = root.resolve(value).normalize();
    Path step = root;
    for (Path part : root.relativize(target)) {
      step = step.resolve(part);
      if (Files.isSymbolicLink(step)) {
        throw outside(what, value, "'" + root.relativize(step) + "' is a symbolic link");
      }
      if (!Files.exists(step, LinkOption.NOFOLLOW_LINKS)) {
        break; // nothing below a missing path can be a link yet
      }
    }
    if (!target.startsWith(root)) {
      throw outside(what, value, "it resolves outside the archive's directory");
    }
    return target;
  }

  private static ArchiveException outside(String what, String value, String problem) {
    return new ArchiveException(what + " is '" + shorten(value) + "', which is not a path inside the archive: "
        + problem + "; a path an archive gives must be relative (forward slashes, no '..') and stay inside it");
  }

  private static String shorten(String path) {
    return path == null ? "null" : path.length() > 80 ? path.substring(0, 80) + "..." : path;
  }

  /** Requires a relative, normalized, forward-slash path with no {@code ..}, no drive letter and no control chars. */
  static String requireSafe(String field, String path) {
    String problem = problem(path);
    if (problem != null) {
      String shown = path == null ? "null" : "'" + shorten(path) + "'";
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
