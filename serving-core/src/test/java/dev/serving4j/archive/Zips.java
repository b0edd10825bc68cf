package dev.serving4j.archive;

import dev.serving4j.ModelArchive;
import dev.serving4j.internal.archive.ManifestJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Builds raw (and deliberately hostile) zip files for archive tests. */
public final class Zips {
  private Zips() {}

  /** Zips {@code entries} in order, deflated. Names are written as given, unchecked. */
  public static byte[] zip(Map<String, byte[]> entries) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        zip.putNextEntry(new ZipEntry(e.getKey()));
        zip.write(e.getValue());
        zip.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** A valid manifest listing {@code files} (with their real sha256) for model {@code m} version {@code 1}. */
  public static byte[] manifestFor(Map<String, byte[]> files) {
    ModelArchive.Builder builder = ModelArchive.builder("m", "1").handler("echo")
        .createdOn(Instant.parse("2025-01-01T00:00:00Z"));
    files.forEach(builder::file);
    return ManifestJson.write(builder.manifest());
  }

  /** A zip holding a manifest that lists {@code listed}, then {@code listed}, then {@code unlisted}. */
  public static byte[] archive(Map<String, byte[]> listed, Map<String, byte[]> unlisted) {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put(ManifestJson.FILE_NAME, manifestFor(listed));
    entries.putAll(listed);
    entries.putAll(unlisted);
    return zip(entries);
  }

  /** Writes {@code bytes} to {@code target} and returns it. */
  public static Path write(Path target, byte[] bytes) {
    try {
      Files.createDirectories(target.getParent());
      return Files.write(target, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Marks entry {@code name} as a unix symbolic link in the central directory (mode 0120777, made by unix). */
  public static byte[] markSymlink(byte[] zip, String name) {
    byte[] patched = zip.clone();
    ByteBuffer buf = ByteBuffer.wrap(patched).order(ByteOrder.LITTLE_ENDIAN);
    byte[] wanted = name.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i + 46 <= patched.length; i++) {
      if (buf.getInt(i) == 0x02014b50) {
        int nameLength = Short.toUnsignedInt(buf.getShort(i + 28));
        byte[] actual = java.util.Arrays.copyOfRange(patched, i + 46, i + 46 + nameLength);
        if (java.util.Arrays.equals(actual, wanted)) {
          buf.putShort(i + 4, (short) ((3 << 8) | 30));
          buf.putInt(i + 38, 0120777 << 16);
          return patched;
        }
      }
    }
    throw new IllegalArgumentException("no central directory record for " + name);
  }

  /** Offset of entry {@code name}'s data, just past its local file header. */
  public static int dataOffset(byte[] zip, String name) {
    ByteBuffer buf = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
    byte[] wanted = name.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i + 30 <= zip.length; i++) {
      if (buf.getInt(i) == 0x04034b50) {
        int nameLength = Short.toUnsignedInt(buf.getShort(i + 26));
        int extraLength = Short.toUnsignedInt(buf.getShort(i + 28));
        if (java.util.Arrays.equals(zip, i + 30, i + 30 + nameLength, wanted, 0, wanted.length)) {
          return i + 30 + nameLength + extraLength;
        }
      }
    }
    throw new IllegalArgumentException("no local header for " + name);
  }

  /** Replaces every occurrence of {@code from} by {@code to} (same length) in the raw bytes, names included. */
  public static byte[] replaceAll(byte[] data, String from, String to) {
    byte[] a = from.getBytes(StandardCharsets.UTF_8);
    byte[] b = to.getBytes(StandardCharsets.UTF_8);
    if (a.length != b.length) {
      throw new IllegalArgumentException("replacement must keep the length");
    }
    byte[] out = data.clone();
    int count = 0;
    for (int i = 0; i + a.length <= out.length; i++) {
      if (java.util.Arrays.equals(out, i, i + a.length, a, 0, a.length)) {
        System.arraycopy(b, 0, out, i, b.length);
        count++;
      }
    }
    if (count == 0) {
      throw new IllegalArgumentException(from + " not found");
    }
    return out;
  }

  /** Returns {@code length} bytes of incompressible but reproducible content. */
  public static byte[] noise(int length, long seed) {
    byte[] bytes = new byte[length];
    new java.util.Random(seed).nextBytes(bytes);
    return bytes;
  }
}
