package dev.serving4j.internal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Holds the field table of {@code docs/configuration.md} to the field descriptors: same fields in the same order,
 * and for each the type, default and valid range the code uses. A cell may go on after the code's text with a
 * remark (", ...", "; ..." or " (...)").
 */
class ConfigDocsTest {
  private static final Path DOC = Path.of("..", "docs", "configuration.md");

  @Test
  void theDocsTableListsEveryFieldInTableOrder() throws IOException {
    assertEquals(ConfigFields.NAMED.stream().map(ConfigField::name).toList(), List.copyOf(rows().keySet()));
  }

  @Test
  void eachDocumentedTypeIsTheCodes() throws IOException {
    rows().forEach((name, cells) -> assertStartsWith(name, "type", find(name).docsType(), cells.get(0)));
  }

  @Test
  void eachDocumentedDefaultIsTheCodes() throws IOException {
    rows().forEach((name, cells) -> assertStartsWith(name, "default", find(name).docsDefault(), cells.get(1)));
  }

  @Test
  void eachDocumentedRangeIsTheCodes() throws IOException {
    rows().forEach((name, cells) -> assertStartsWith(name, "valid range", find(name).docsRange(), cells.get(2)));
  }

  private static ConfigField<?> find(String name) {
    return ConfigFields.find(name);
  }

  private static void assertStartsWith(String field, String column, String code, String docs) {
    boolean matches = docs.equals(code) || docs.startsWith(code + ", ") || docs.startsWith(code + "; ")
        || docs.startsWith(code + " (");
    assertTrue(matches, "docs/configuration.md: " + column + " of '" + field + "' is '" + docs + "'; the code says '"
        + code + "'");
  }

  /** Field name to its type, default and range cells, with markup and thousands separators removed. */
  private static Map<String, List<String>> rows() throws IOException {
    List<String> lines = Files.readAllLines(DOC);
    int start = lines.indexOf("## ModelConfig fields");
    assertTrue(start >= 0, "docs/configuration.md lost its '## ModelConfig fields' section");
    Map<String, List<String>> rows = new LinkedHashMap<>();
    for (String line : lines.subList(start + 1, lines.size())) {
      if (line.startsWith("## ")) {
        break;
      }
      if (line.startsWith("| `")) {
        List<String> cells = cells(line);
        rows.put(cells.get(0), cells.subList(1, 4));
      }
    }
    return rows;
  }

  private static List<String> cells(String line) {
    List<String> cells = new ArrayList<>();
    for (String cell : line.substring(1).split("(?<!\\\\)\\|")) {
      cells.add(cell.replace("\\|", "|").replace("`", "").replaceAll("(\\d),(\\d{3})", "$1$2")
          .replaceAll("(\\d),(\\d{3})", "$1$2").trim());
    }
    return cells;
  }
}
