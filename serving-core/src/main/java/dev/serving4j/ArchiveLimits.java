package dev.serving4j;

/**
 * Bounds applied while a model archive is opened, so a hostile or broken {@code .s4j} file cannot fill the disk or
 * exhaust memory. Sizes are counted on the bytes actually inflated, never taken from the zip's declared sizes.
 *
 * @param maxEntries most entries the zip may hold (directories and {@code MANIFEST.json} included)
 * @param maxEntryBytes most bytes one entry may inflate to
 * @param maxTotalBytes most bytes all entries together may inflate to
 * @param maxCompressionRatio highest inflated-to-compressed ratio allowed for an entry that inflates to more than
 *     1 MiB (a zip bomb defence; smaller entries are exempt since tiny files compress erratically)
 */
public record ArchiveLimits(int maxEntries, long maxEntryBytes, long maxTotalBytes, int maxCompressionRatio) {

  /** 10,000 entries, 4 GiB per entry, 8 GiB in total, compression ratio 200. */
  public static final ArchiveLimits DEFAULTS = new ArchiveLimits(10_000, 4L << 30, 8L << 30, 200);

  /**
   * Validates the limits.
   *
   * @throws InvalidConfigException if a limit is not positive; the message names it
   */
  public ArchiveLimits {
    requirePositive("maxEntries", maxEntries);
    requirePositive("maxEntryBytes", maxEntryBytes);
    requirePositive("maxTotalBytes", maxTotalBytes);
    requirePositive("maxCompressionRatio", maxCompressionRatio);
  }

  private static void requirePositive(String field, long value) {
    if (value <= 0) {
      throw new InvalidConfigException("ArchiveLimits." + field + " must be positive, was " + value);
    }
  }
}
