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
 * @param maxTotalRatio most bytes all entries together may inflate to, as a multiple of the zip file's size (the
 *     first 1 MiB is exempt); it bounds many small, highly compressed entries, which the per-entry ratio exempts
 */
public record ArchiveLimits(int maxEntries, long maxEntryBytes, long maxTotalBytes, int maxCompressionRatio,
    int maxTotalRatio) {

  /**
   * The default {@link #maxTotalRatio()}: an archive inflates to at most 200 times its file size, the per-entry
   * default, so many small entries together may not expand more than one large entry alone.
   */
  public static final int DEFAULT_MAX_TOTAL_RATIO = 200;

  /** 10,000 entries, 4 GiB per entry, 8 GiB in total, compression ratio 200 per entry and in total. */
  public static final ArchiveLimits DEFAULTS = new ArchiveLimits(10_000, 4L << 30, 8L << 30, 200,
      DEFAULT_MAX_TOTAL_RATIO);

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
    requirePositive("maxTotalRatio", maxTotalRatio);
  }

  /**
   * Limits with the default {@link #maxTotalRatio()} ({@value #DEFAULT_MAX_TOTAL_RATIO}).
   *
   * @throws InvalidConfigException if a limit is not positive; the message names it
   */
  public ArchiveLimits(int maxEntries, long maxEntryBytes, long maxTotalBytes, int maxCompressionRatio) {
    this(maxEntries, maxEntryBytes, maxTotalBytes, maxCompressionRatio, DEFAULT_MAX_TOTAL_RATIO);
  }

  /**
   * The most bytes a zip of {@code zipBytes} bytes may inflate to in all: {@link #maxTotalBytes()}, or less when
   * {@link #maxTotalRatio()} times the file size (but at least 16 MiB, so small archives of text compress freely) is
   * smaller.
   */
  public long totalBytesFor(long zipBytes) {
    long byRatio = zipBytes > Long.MAX_VALUE / maxTotalRatio ? Long.MAX_VALUE : zipBytes * maxTotalRatio;
    return Math.min(maxTotalBytes, Math.max(16L << 20, byRatio));
  }

  private static void requirePositive(String field, long value) {
    if (value <= 0) {
      throw new InvalidConfigException("ArchiveLimits." + field + " must be positive, was " + value);
    }
  }
}
