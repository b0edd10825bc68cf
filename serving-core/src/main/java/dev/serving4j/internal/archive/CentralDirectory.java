package dev.serving4j.internal.archive;

import dev.serving4j.ArchiveException;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a zip's central directory by hand, for what {@link java.util.zip.ZipFile} does not expose: the external
 * attributes (where unix tools store the file type, so symlink entries can be rejected), the exact entry list with
 * duplicates, and the entry count before any entry is read.
 *
 * <p>Only the fields needed for those checks are parsed; {@link ZipArchiveReader} cross-checks the resulting name
 * list against {@code ZipFile}'s, so the two parsers must agree on the archive before anything is extracted.
 */
final class CentralDirectory {
  private static final int EOCD_SIGNATURE = 0x06054b50;
  private static final int EOCD_SIZE = 22;
  private static final int ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
  private static final int ZIP64_LOCATOR_SIZE = 20;
  private static final int ZIP64_EOCD_SIGNATURE = 0x06064b50;
  private static final int CEN_SIGNATURE = 0x02014b50;
  private static final int CEN_SIZE = 46;

  private static final long ZIP64_MAGIC = 0xFFFFFFFFL;

  /**
   * One central-directory record.
   *
   * @param compressedSize the stored data's length in bytes (zip64 extra applied)
   * @param localOffset where the entry's local header starts (zip64 extra applied)
   * @param rawName the name's bytes as stored, to compare with the local header's
   */
  record Entry(String name, int flags, int method, long externalAttributes, long compressedSize, long localOffset,
      byte[] rawName) {
    boolean isDirectory() {
      return name.endsWith("/");
    }

    boolean isSymlink() {
      return ((externalAttributes >>> 16) & 0170000) == 0120000;
    }

    boolean isEncrypted() {
      return (flags & 1) != 0;
    }
  }

  private CentralDirectory() {}

  /** Reads every record; fails before reading them when the archive declares more than {@code maxEntries}. */
  static List<Entry> read(Path zip, int maxEntries, String where) throws IOException {
    try (FileChannel ch = FileChannel.open(zip, StandardOpenOption.READ)) {
      long size = ch.size();
      long eocd = findEndRecord(ch, size, where);
      ByteBuffer end = readAt(ch, eocd, EOCD_SIZE);
      if (end.getShort(4) != 0 || end.getShort(6) != 0) {
        throw new ArchiveException(where + ": multi-volume zip archives are not supported");
      }
      long total = Short.toUnsignedInt(end.getShort(10));
      long cenSize = Integer.toUnsignedLong(end.getInt(12));
      long cenOffset = Integer.toUnsignedLong(end.getInt(16));
      long cenLimit = eocd;
      if (eocd >= ZIP64_LOCATOR_SIZE && readAt(ch, eocd - ZIP64_LOCATOR_SIZE, 4).getInt(0) == ZIP64_LOCATOR_SIGNATURE) {
        long zip64End = readAt(ch, eocd - ZIP64_LOCATOR_SIZE, ZIP64_LOCATOR_SIZE).getLong(8);
        if (zip64End < 0 || zip64End + 56 > eocd - ZIP64_LOCATOR_SIZE) {
          throw corrupt(where, "the zip64 end record offset is out of range");
        }
        ByteBuffer end64 = readAt(ch, zip64End, 56);
        if (end64.getInt(0) != ZIP64_EOCD_SIGNATURE) {
          throw corrupt(where, "the zip64 end record is missing");
        }
        total = end64.getLong(32);
        cenSize = end64.getLong(40);
        cenOffset = end64.getLong(48);
        cenLimit = zip64End;
      }
      if (total < 0 || total > maxEntries) {
        throw new ArchiveException(where + ": has " + Long.toUnsignedString(total) + " entries, more than maxEntries ("
            + maxEntries + ")");
      }
      if (cenOffset < 0 || cenSize < 0 || cenOffset + cenSize > cenLimit) {
        throw corrupt(where, "the central directory lies outside the file");
      }
      List<Entry> entries = readRecords(ch, cenOffset, cenSize, (int) total, where);
      LocalRecords.check(ch, entries, cenOffset, where);
      return entries;
    }
  }

  private static List<Entry> readRecords(FileChannel ch, long offset, long cenSize, int total, String where)
      throws IOException {
    ch.position(offset);
    InputStream in = new BufferedInputStream(Channels.newInputStream(ch), 64 * 1024);
    List<Entry> entries = new ArrayList<>(Math.min(total, 1024));
    long consumed = 0;
    try {
      for (int i = 0; i < total; i++) {
        ByteBuffer h = ByteBuffer.wrap(in.readNBytes(CEN_SIZE)).order(ByteOrder.LITTLE_ENDIAN);
        if (h.capacity() < CEN_SIZE || h.getInt(0) != CEN_SIGNATURE) {
          throw corrupt(where, "central directory record " + i + " is damaged");
        }
        int nameLength = Short.toUnsignedInt(h.getShort(28));
        int extraLength = Short.toUnsignedInt(h.getShort(30));
        int commentLength = Short.toUnsignedInt(h.getShort(32));
        byte[] name = in.readNBytes(nameLength);
        byte[] extra = in.readNBytes(extraLength);
        if (name.length < nameLength || extra.length < extraLength) {
          throw corrupt(where, "central directory record " + i + " is truncated");
        }
        in.skipNBytes(commentLength);
        consumed += CEN_SIZE + nameLength + extraLength + commentLength;
        long[] sizes = zip64(h, extra, i, where);
        entries.add(new Entry(decodeName(name, i, where), Short.toUnsignedInt(h.getShort(8)),
            Short.toUnsignedInt(h.getShort(10)), Integer.toUnsignedLong(h.getInt(38)), sizes[0], sizes[1], name));
      }
    } catch (EOFException e) {
      throw corrupt(where, "the central directory is truncated");
    }
    if (consumed != cenSize) {
      throw corrupt(where, "the central directory holds " + consumed + " bytes of records but declares " + cenSize);
    }
    return entries;
  }

  /**
   * Returns the compressed size and the local header offset, taking each from the zip64 extra field (id 1) when the
   * 32-bit field holds the 0xFFFFFFFF marker. The extra field lists, in order, only the values so marked:
   * uncompressed size, compressed size, local header offset.
   */
  private static long[] zip64(ByteBuffer h, byte[] extra, int index, String where) {
    long size = Integer.toUnsignedLong(h.getInt(24));
    long compressed = Integer.toUnsignedLong(h.getInt(20));
    long offset = Integer.toUnsignedLong(h.getInt(42));
    if (size != ZIP64_MAGIC && compressed != ZIP64_MAGIC && offset != ZIP64_MAGIC) {
      return new long[] {compressed, offset};
    }
    ByteBuffer x = ByteBuffer.wrap(extra).order(ByteOrder.LITTLE_ENDIAN);
    while (x.remaining() >= 4) {
      int id = Short.toUnsignedInt(x.getShort());
      int length = Short.toUnsignedInt(x.getShort());
      if (length > x.remaining()) {
        break;
      }
      if (id == 1) {
        ByteBuffer field = x.slice(x.position(), length).order(ByteOrder.LITTLE_ENDIAN);
        try {
          if (size == ZIP64_MAGIC) {
            field.getLong();
          }
          compressed = compressed == ZIP64_MAGIC ? field.getLong() : compressed;
          offset = offset == ZIP64_MAGIC ? field.getLong() : offset;
        } catch (java.nio.BufferUnderflowException e) {
          throw corrupt(where, "the zip64 extra field of central directory record " + index + " is too short");
        }
        return new long[] {compressed, offset};
      }
      x.position(x.position() + length);
    }
    throw corrupt(where, "central directory record " + index + " has 32-bit size markers but no zip64 extra field");
  }

  /** Finds the end-of-central-directory record whose comment length reaches exactly to the end of the file. */
  private static long findEndRecord(FileChannel ch, long size, String where) throws IOException {
    int tailLength = (int) Math.min(size, EOCD_SIZE + 0xFFFF);
    ByteBuffer tail = readAt(ch, size - tailLength, tailLength);
    for (int pos = tailLength - EOCD_SIZE; pos >= 0; pos--) {
      if (tail.getInt(pos) == EOCD_SIGNATURE
          && pos + EOCD_SIZE + Short.toUnsignedInt(tail.getShort(pos + 20)) == tailLength) {
        return size - tailLength + pos;
      }
    }
    throw new ArchiveException(where + ": is not a zip archive, or is truncated (no end-of-central-directory record)");
  }

  static ByteBuffer readAt(FileChannel ch, long position, int length) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    while (buffer.hasRemaining()) {
      if (ch.read(buffer, position + buffer.position()) < 0) {
        throw new EOFException("unexpected end of zip at " + (position + buffer.position()));
      }
    }
    return buffer.flip();
  }

  private static String decodeName(byte[] name, int index, String where) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(name))
          .toString();
    } catch (CharacterCodingException e) {
      throw new ArchiveException(where + ": entry name of central directory record " + index + " is not valid UTF-8");
    }
  }

  static ArchiveException corrupt(String where, String problem) {
    return new ArchiveException(where + ": is a corrupt zip archive: " + problem);
  }
}
