package dev.serving4j.tools;

import dev.serving4j.ModelArchive;
import dev.serving4j.ServingException;
import dev.serving4j.internal.archive.ManifestJson;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The archiver command line, modelled on {@code torch-model-archiver}: builds a {@code .s4j} archive from files, or
 * validates one and prints its manifest. Arguments are parsed by hand to keep serving-core free of CLI libraries.
 * Exit codes: 0 success, 1 the archive could not be built or opened, 2 usage error.
 *
 * <p>Run it as {@code java -cp <serving-core and its dependencies> dev.serving4j.tools.ArchiveCli --help}; the
 * options are described in docs/archive-format.md.
 */
public final class ArchiveCli {
  static final String USAGE = String.join(System.lineSeparator(),
      "usage: archive --name NAME --version VERSION --handler HANDLER [--engine ENGINE]",
      "               [--model-file PATH] [--extra-file PATH]... [--config JSON-FILE]",
      "               [--property KEY=VALUE]... [--description TEXT] --output OUT.s4j",
      "       archive --inspect ARCHIVE (a .s4j file or a directory)",
      "",
      "  --name, --version   model name and version: [A-Za-z0-9._-], starting with a letter or digit",
      "  --handler           handler alias (such as embedding) or fully qualified class name",
      "  --engine            engine name, such as onnxruntime",
      "  --model-file        the model file, stored under its file name",
      "  --extra-file        another file (stored under its file name) or directory (stored under its name)",
      "  --config            JSON object of default serving config, keyed by ModelConfig field name",
      "  --property          a handler property; repeatable",
      "  --output            the .s4j file to write (replaced if it exists)",
      "  --inspect           validate an archive and print its MANIFEST.json");

  private static final Set<String> SINGLE = Set.of("--name", "--version", "--handler", "--engine", "--model-file",
      "--config", "--description", "--output", "--inspect");
  private static final Set<String> REPEATED = Set.of("--extra-file", "--property");

  private ArchiveCli() {}

  /** Runs the command line and exits with its status. */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /**
   * Runs the command line without exiting.
   *
   * @return 0 on success, 1 when the archive could not be built or opened, 2 on a usage error
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    Map<String, List<String>> options;
    try {
      options = parse(args);
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
    if (options.containsKey("--help")) {
      out.println(USAGE);
      return 0;
    }
    try {
      if (options.containsKey("--inspect")) {
        return inspect(options, out, err);
      }
      return create(options, out);
    } catch (ServingException | IOException e) {
      err.println("error: " + e.getMessage());
      return 1;
    }
  }

  private static Map<String, List<String>> parse(String[] args) {
    Map<String, List<String>> options = new HashMap<>();
    int start = args.length > 0 && args[0].equals("archive") ? 1 : 0;
    for (int i = start; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--help") || arg.equals("-h")) {
        options.put("--help", List.of());
        continue;
      }
      int eq = arg.indexOf('=');
      String name = arg.startsWith("--") && eq > 0 ? arg.substring(0, eq) : arg;
      if (!SINGLE.contains(name) && !REPEATED.contains(name)) {
        throw new IllegalArgumentException("unknown argument '" + arg + "'");
      }
      String value;
      if (eq > 0 && arg.startsWith("--")) {
        value = arg.substring(eq + 1);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        throw new IllegalArgumentException(name + " needs a value");
      }
      List<String> values = options.computeIfAbsent(name, k -> new ArrayList<>());
      if (!values.isEmpty() && SINGLE.contains(name)) {
        throw new IllegalArgumentException(name + " given more than once");
      }
      values.add(value);
    }
    if (!options.containsKey("--help")) {
      requireConsistent(options);
    }
    return options;
  }

  private static void requireConsistent(Map<String, List<String>> options) {
    if (options.containsKey("--inspect")) {
      if (options.size() > 1) {
        throw new IllegalArgumentException("--inspect takes no other options");
      }
      return;
    }
    for (String required : List.of("--name", "--version", "--handler", "--output")) {
      if (!options.containsKey(required)) {
        throw new IllegalArgumentException(required + " is required");
      }
    }
    for (String property : options.getOrDefault("--property", List.of())) {
      if (property.indexOf('=') <= 0) {
        throw new IllegalArgumentException("--property must be KEY=VALUE, was '" + property + "'");
      }
    }
  }

  private static int inspect(Map<String, List<String>> options, PrintStream out, PrintStream err) {
    try (ModelArchive archive = ModelArchive.open(Path.of(one(options, "--inspect")))) {
      out.print(new String(ManifestJson.write(archive.manifest()), StandardCharsets.UTF_8));
      err.println("ok: " + archive.manifest().files().size() + " files verified");
    }
    return 0;
  }

  private static int create(Map<String, List<String>> options, PrintStream out) throws IOException {
    ModelArchive.Builder builder = ModelArchive.builder(one(options, "--name"), one(options, "--version"))
        .handler(one(options, "--handler"));
    if (options.containsKey("--engine")) {
      builder.engine(one(options, "--engine"));
    }
    if (options.containsKey("--model-file")) {
      Path model = Path.of(one(options, "--model-file"));
      builder.modelFile(model.getFileName().toString(), model);
    }
    for (String extra : options.getOrDefault("--extra-file", List.of())) {
      addExtra(builder, Path.of(extra));
    }
    if (options.containsKey("--config")) {
      Path config = Path.of(one(options, "--config"));
      builder.config(ManifestJson.readConfigObject(Files.readAllBytes(config), "config file '" + config + "'"));
    }
    for (String property : options.getOrDefault("--property", List.of())) {
      int eq = property.indexOf('=');
      builder.handlerProperty(property.substring(0, eq), property.substring(eq + 1));
    }
    if (options.containsKey("--description")) {
      builder.description(one(options, "--description"));
    }
    Path output = builder.writeZip(Path.of(one(options, "--output")));
    out.println("wrote " + output);
    return 0;
  }

  /** Adds a file under its name, or a directory's regular files under the directory's name. */
  private static void addExtra(ModelArchive.Builder builder, Path path) throws IOException {
    if (!Files.isDirectory(path)) {
      builder.file(path.getFileName().toString(), path);
      return;
    }
    Path base = path.toAbsolutePath().normalize();
    try (Stream<Path> walk = Files.walk(base)) {
      for (Path file : (Iterable<Path>) walk.filter(Files::isRegularFile).sorted()::iterator) {
        Path relative = base.getParent() == null ? base.relativize(file) : base.getParent().relativize(file);
        builder.file(relative.toString().replace(java.io.File.separatorChar, '/'), file);
      }
    }
  }

  private static String one(Map<String, List<String>> options, String name) {
    return options.get(name).get(0);
  }
}
