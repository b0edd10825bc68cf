package dev.serving4j;

import java.util.Locale;

/**
 * Where a worker runs its handler: the CPU, or one GPU by id. Written {@code cpu} or {@code gpu:N} in configs.
 *
 * @param kind cpu or gpu
 * @param id the GPU ordinal; always 0 for the CPU
 */
public record Device(Kind kind, int id) {
  /** The CPU device. */
  public static final Device CPU = new Device(Kind.CPU, 0);

  /** Device kinds. */
  public enum Kind {
    /** The host CPU. */
    CPU,
    /** A CUDA GPU, addressed by ordinal. */
    GPU
  }

  /** Validates the id. */
  public Device {
    if (kind == null) {
      throw new InvalidConfigException("device kind must not be null");
    }
    if (id < 0 || (kind == Kind.CPU && id != 0)) {
      throw new InvalidConfigException("device id must be >= 0 (and 0 for cpu), was " + kind + ":" + id);
    }
  }

  /** Returns the GPU with the given ordinal. */
  public static Device gpu(int id) {
    return new Device(Kind.GPU, id);
  }

  /** Parses {@code cpu} or {@code gpu:N}; anything else is an {@link InvalidConfigException}. */
  public static Device parse(String text) {
    if (text == null) {
      throw new InvalidConfigException("device must be 'cpu' or 'gpu:N', was null");
    }
    String s = text.trim().toLowerCase(Locale.ROOT);
    if (s.equals("cpu")) {
      return CPU;
    }
    if (s.startsWith("gpu:")) {
      try {
        return gpu(Integer.parseInt(s.substring(4)));
      } catch (NumberFormatException e) {
        // fall through to the error below
      }
    }
    throw new InvalidConfigException("device must be 'cpu' or 'gpu:N' (N >= 0), was '" + text + "'");
  }

  /** True for a GPU device. */
  public boolean isGpu() {
    return kind == Kind.GPU;
  }

  @Override
  public String toString() {
    return kind == Kind.CPU ? "cpu" : "gpu:" + id;
  }
}
