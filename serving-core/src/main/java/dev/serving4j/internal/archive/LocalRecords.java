package dev.serving4j.internal.archive;

import dev.serving4j.ArchiveException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import java.util.List;

/**
 * Checks every central-directory entry against its local record, so one stored stream cannot be extracted many times
 * (an overlapping-entry zip bomb: a thousand central records pointing at one 1 MiB local record inflate 1,000 MiB
 * from a 1 MiB file). Each entry's local header and data must lie before the central directory, start after the
 * previous entry's data ends (local records appear in central-directory order and never overlap), and the local
 * header must carry the signature and exactly the central record's name.
 *
 * <p>A data descriptor (flag bit 3) follows an entry's data; its length varies between writers, so it is not counted
 * in the entry's extent: the next entry must only start after the data itself.
 */
final class LocalRecords {
  private static final int LOC_SIGNATURE = 0x04034b50;
  private static final int LOC_SIZE = 30;

  private LocalRecords() {}

  /** Throws {@link ArchiveException} on the first entry whose local record is missing, misnamed or overlapping. */
  static void check(FileChannel ch, List<CentralDirectory.Entry> entries, long cenOffset, String where)
      throws IOException {
    long previousEnd = 0;
    String previous = null;
    for (CentralDirectory.Entry e : entries) {
      long start = e.localOffset();
      if (start < previousEnd) {
        throw new ArchiveException(where + ": entry " + shown(e.name()) + " starts at byte " + start + ", inside "
            + "the data of " + shown(previous) + " (which ends at byte " + previousEnd + "): overlapping or "
            + "out-of-order local records are refused (an overlapping-entry zip bomb?)");
      }
      if (start < 0 || start > cenOffset - LOC_SIZE) {
        throw CentralDirectory.corrupt(where, "the local header of entry " + shown(e.name())
            + " lies outside the file's entry area");
      }
      ByteBuffer h = CentralDirectory.readAt(ch, start, LOC_SIZE);
      if (h.getInt(0) != LOC_SIGNATURE) {
        throw CentralDirectory.corrupt(where, "entry " + shown(e.name()) + " has no local header at byte " + start);
      }
      int nameLength = Short.toUnsignedInt(h.getShort(26));
      int extraLength = Short.toUnsignedInt(h.getShort(28));
      long dataStart = start + LOC_SIZE + nameLength + extraLength;
      if (dataStart > cenOffset) {
        throw CentralDirectory.corrupt(where, "the local header of entry " + shown(e.name()) + " runs into the "
            + "central directory");
      }
      byte[] localName = CentralDirectory.readAt(ch, start + LOC_SIZE, nameLength).array();
      if (!Arrays.equals(localName, e.rawName())) {
        throw new ArchiveException(where + ": entry " + shown(e.name()) + " is named differently in its local "
            + "header; central and local names must be equal");
      }
      long end = dataStart + e.compressedSize();
      if (e.compressedSize() < 0 || end > cenOffset) {
        throw CentralDirectory.corrupt(where, "the data of entry " + shown(e.name()) + " (" + e.compressedSize()
            + " bytes from byte " + dataStart + ") runs past the start of the central directory");
      }
      previousEnd = end;
      previous = e.name();
    }
  }

  private static String shown(String name) {
    return "'" + (name.length() > 80 ? name.substring(0, 80) + "..." : name) + "'";
  }
}
