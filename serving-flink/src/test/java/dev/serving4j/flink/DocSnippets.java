package dev.serving4j.flink;

import java.time.Duration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.table.api.TableEnvironment;

/**
 * The code shown in {@code docs/flink.md}, compiled by the build; {@link FlinkDocTest} checks that each tagged
 * region appears there verbatim, so the page cannot drift from code that compiles.
 */
final class DocSnippets {
  private DocSnippets() {}

  static DataStream<Prediction<String, float[]>> dataStream(DataStream<String> sentences) {
    // tag::datastream[]
    DataStream<Prediction<String, float[]>> embedded = AsyncPredict
        .model(ArchiveSource.path("/opt/models/minilm.s4j"), float[].class)
        .capacity(64)                          // records in flight per subtask
        .timeout(Duration.ofSeconds(30))       // Flink's async timeout, also serving4j's deadline
        .onFailure(FailurePolicy.EMIT_ERROR)   // or FAIL_JOB, the default
        .config("maxBatchSize", 16)            // any ModelConfig field, as in a manifest
        .apply(sentences);

    DataStream<Prediction<String, float[]>> failed = embedded.filter(p -> !p.isSuccess());
    DataStream<float[]> vectors = embedded.filter(Prediction::isSuccess).map(Prediction::getOutput);
    // end::datastream[]
    failed.print();
    vectors.print();
    return embedded;
  }

  static void sql(TableEnvironment tables) {
    // tag::sql[]
    tables.executeSql("""
        CREATE MODEL minilm
        INPUT (text STRING)
        OUTPUT (embedding ARRAY<FLOAT>)
        WITH (
          'provider' = 'serving4j',
          'archive' = '/opt/models/minilm.s4j',
          'config.maxBatchSize' = '16'
        )""");
    tables.executeSql("""
        SELECT id, text, embedding
        FROM ML_PREDICT(TABLE sentences, MODEL minilm, DESCRIPTOR(text))""").print();
    // end::sql[]
  }
}
