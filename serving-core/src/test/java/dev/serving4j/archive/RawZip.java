package dev.serving4j.archive;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Writes a stored (uncompressed) zip record by record, so a test can make central-directory records point at any
 * local record under any name: overlapping entries, out-of-order entries, central and local names that differ.
 */
public final class RawZip {
  private final ByteArrayOutputStream locals = new ByteArrayOutputStream();
  private final List<Local> written = new ArrayList<>();
  private final ByteArrayOutputStream central = new ByteArrayOutputStream();
  private int centralCount;

  private record Local(int offset, int crc, int size) {}

  /** Appends a local record named {@code name} holding {@code data}; returns its index for {@link #central}. */
  public int local(String name, byte[] data) {
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    CRC32 crc = new CRC32();
    crc.update(data);
    Local l = new Local(locals.size(), (int) crc.getValue(), data.length);
    ByteBuffer h = header(30).putInt(0x04034b50).putShort((short) 20).putShort((short) 0x800).putShort((short) 0)
        .putInt(0).putInt(l.crc).putInt(l.size).putInt(l.size).putShort((short) n.length).putShort((short) 0);
    locals.writeBytes(h.array());
    locals.writeBytes(n);
    locals.writeBytes(data);
    written.add(l);
    return written.size() - 1;
  }

  /** Appends a central record named {@code name} pointing at local record {@code index}. */
  public RawZip central(String name, int index) {
    Local l = written.get(index);
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    ByteBuffer h = header(46).putInt(0x02014b50).putShort((short) 20).putShort((short) 20).putShort((short) 0x800)
        .putShort((short) 0).putInt(0).putInt(l.crc).putInt(l.size).putInt(l.size).putShort((short) n.length)
        .putShort((short) 0).putShort((short) 0).putShort((short) 0).putShort((short) 0).putInt(0).putInt(l.offset);
    central.writeBytes(h.array());
    central.writeBytes(n);
    centralCount++;
    return this;
  }

  /** Appends a local record and the central record naming it, the way every ordinary zip writer does. */
  public RawZip entry(String name, byte[] data) {
    return central(name, local(name, data));
  }

  /** The zip's bytes: local records, central directory, end record. */
  public byte[] bytes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(locals.toByteArray());
    out.writeBytes(central.toByteArray());
    ByteBuffer end = header(22).putInt(0x06054b50).putShort((short) 0).putShort((short) 0)
        .putShort((short) centralCount).putShort((short) centralCount).putInt(central.size()).putInt(locals.size())
        .putShort((short) 0);
    out.writeBytes(end.array());
    return out.toByteArray();
  }

  private static ByteBuffer header(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }
}
