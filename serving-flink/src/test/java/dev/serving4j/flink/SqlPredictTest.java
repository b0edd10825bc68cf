package dev.serving4j.flink;

import static org.apache.flink.table.api.Expressions.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serving4j.examples.Corpus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code CREATE MODEL ... WITH ('provider' = 'serving4j')} and {@code ML_PREDICT} on a MiniCluster. */
class SqlPredictTest {
  @RegisterExtension
  static final MiniClusterExtension CLUSTER = Fixtures.miniCluster(new Configuration());

  @TempDir
  Path directory;

  /** Few rows: the planner turns each literal row of {@code fromValues} into an operator of its own. */
  private static TableEnvironment tables() {
    TableEnvironment env = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
    env.getConfig().set("parallelism.default", String.valueOf(Fixtures.PARALLELISM));
    return env;
  }

  private static List<Row> rows(TableEnvironment env, String query) throws Exception {
    List<Row> rows = new ArrayList<>();
    try (CloseableIterator<Row> it = env.executeSql(query).collect()) {
      it.forEachRemaining(rows::add);
    }
    return rows;
  }

  @Test
  void imageBytesBecomeLabelsInRankOrderAndATopLabel() throws Exception {
    TableEnvironment env = tables();
    env.createTemporaryView("images", env.fromValues(
        DataTypes.ROW(DataTypes.FIELD("id", DataTypes.INT()), DataTypes.FIELD("image", DataTypes.BYTES())),
        IntStream.range(0, 40).mapToObj(i -> row(i, Fixtures.image(i))).toArray()));
    String archive = Fixtures.classifierArchive(directory).toString();
    env.executeSql("CREATE TEMPORARY MODEL ranked INPUT (image BYTES) OUTPUT (labels ARRAY<STRING>) WITH ("
        + "'provider' = 'serving4j', 'archive' = '" + archive + "', 'config.maxBatchSize' = '16')");
    env.executeSql("CREATE TEMPORARY MODEL top INPUT (image BYTES) OUTPUT (label STRING) WITH ("
        + "'provider' = 'serving4j', 'archive' = '" + archive + "')");

    List<Row> ranked = rows(env, "SELECT id, labels FROM ML_PREDICT(TABLE images, MODEL ranked, DESCRIPTOR(image))");
    List<Row> top = rows(env, "SELECT id, label FROM ML_PREDICT(TABLE images, MODEL top, DESCRIPTOR(image))");

    assertEquals(40, ranked.size());
    for (Row r : ranked) {
      String[] labels = (String[]) r.getField("labels");
      assertEquals(2, labels.length, Arrays.toString(labels));
      assertEquals(Fixtures.LABELS.get((Integer) r.getField("id") % 4), labels[0]);
    }
    Map<String, Long> counts = top.stream().collect(Collectors.groupingBy(r -> (String) r.getField("label"),
        Collectors.counting()));
    assertEquals(Map.of("red", 10L, "green", 10L, "blue", 10L, "dark", 10L), counts);
  }

  @Test
  void miniLmEmbedsSentencesIntoFloatArrays() throws Exception {
    TableEnvironment env = tables();
    List<Corpus.Sentence> sentences = Corpus.load().sentences().subList(0, 48);
    env.createTemporaryView("sentences", env.fromValues(
        DataTypes.ROW(DataTypes.FIELD("id", DataTypes.INT()), DataTypes.FIELD("text", DataTypes.STRING())),
        IntStream.range(0, sentences.size()).mapToObj(i -> row(i, sentences.get(i).text())).toArray()));
    env.executeSql("CREATE TEMPORARY MODEL minilm INPUT (text STRING) OUTPUT (embedding ARRAY<FLOAT>) WITH ("
        + "'provider' = 'serving4j', 'archive' = '" + Fixtures.miniLmArchive(directory) + "')");

    List<Row> rows = rows(env, "SELECT id, embedding FROM ML_PREDICT(TABLE sentences, MODEL minilm, "
        + "DESCRIPTOR(text))");

    assertEquals(sentences.size(), rows.size());
    assertEquals(sentences.size(), rows.stream().map(r -> r.getField("id")).distinct().count());
    assertTrue(rows.stream().allMatch(r -> ((Float[]) r.getField("embedding")).length == 384));
  }

  @Test
  void aModelWithTwoInputColumnsIsRejectedNamingTheColumns() {
    TableEnvironment env = tables();
    env.createTemporaryView("pairs", env.fromValues(DataTypes.ROW(DataTypes.FIELD("a", DataTypes.STRING()),
        DataTypes.FIELD("b", DataTypes.STRING())), row("x", "y")));
    env.executeSql("CREATE TEMPORARY MODEL pair INPUT (a STRING, b STRING) OUTPUT (o STRING) WITH ("
        + "'provider' = 'serving4j', 'archive' = '/nowhere.s4j')");

    Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> rows(env,
        "SELECT * FROM ML_PREDICT(TABLE pairs, MODEL pair, DESCRIPTOR(a, b))"));
    assertTrue(org.apache.flink.util.ExceptionUtils.findThrowable(e, ValidationException.class)
        .filter(v -> v.getMessage() != null).isPresent(), e.toString());
    assertTrue(String.valueOf(org.apache.flink.util.ExceptionUtils.stringifyException(e))
        .contains("exactly one INPUT column"), e.toString());
  }
}
