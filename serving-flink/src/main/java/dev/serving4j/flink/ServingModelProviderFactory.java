package dev.serving4j.flink;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.ResolvedCatalogModel;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.factories.ModelProviderFactory;
import org.apache.flink.table.ml.ModelProvider;

/**
 * The {@code serving4j} model provider for Flink SQL's {@code CREATE MODEL} and {@code ML_PREDICT}:
 *
 * <pre>{@code
 * CREATE MODEL minilm INPUT (text STRING) OUTPUT (embedding ARRAY<FLOAT>)
 * WITH ('provider' = 'serving4j', 'archive' = '/models/minilm.s4j', 'config.maxBatchSize' = '16');
 * SELECT id, embedding FROM ML_PREDICT(TABLE sentences, MODEL minilm, DESCRIPTOR(text));
 * }</pre>
 *
 * <p>Options: {@code archive} (a path on every TaskManager, or {@code classpath:/name.s4j}), {@code version} (the
 * version to call, default the archive's), {@code timeout} (serving4j's deadline per row, default 30 s), and any
 * {@code config.<field>} (a {@code ModelConfig} override; whole numbers, {@code true}/{@code false} and other text
 * are passed as such). Found by Flink through {@code META-INF/services/org.apache.flink.table.factories.Factory}.
 */
public final class ServingModelProviderFactory implements ModelProviderFactory {
  /** The value of {@code 'provider'} that selects this factory. */
  public static final String IDENTIFIER = "serving4j";

  static final ConfigOption<String> ARCHIVE = ConfigOptions.key("archive").stringType().noDefaultValue()
      .withDescription("The .s4j archive: a path readable by every TaskManager, or classpath:/resource.s4j");
  static final ConfigOption<String> VERSION = ConfigOptions.key("version").stringType().noDefaultValue()
      .withDescription("The model version to call; default: the archive's");
  static final ConfigOption<Duration> TIMEOUT = ConfigOptions.key("timeout").durationType()
      .defaultValue(Duration.ofSeconds(30)).withDescription("serving4j's deadline for each row");
  private static final String CONFIG_PREFIX = "config.";

  /** Creates the factory (Flink's service loader does). */
  public ServingModelProviderFactory() {}

  /** {@value #IDENTIFIER}. */
  @Override
  public String factoryIdentifier() {
    return IDENTIFIER;
  }

  /** {@code archive}. */
  @Override
  public Set<ConfigOption<?>> requiredOptions() {
    return Set.of(ARCHIVE);
  }

  /** {@code version} and {@code timeout}; {@code config.*} keys are checked by serving4j on registration. */
  @Override
  public Set<ConfigOption<?>> optionalOptions() {
    return Set.of(VERSION, TIMEOUT);
  }

  /**
   * Checks the options and the model's schema against what the row mapping supports.
   *
   * @throws ValidationException naming the model and the option or column that is wrong
   */
  @Override
  public ModelProvider createModelProvider(Context context) {
    FactoryUtil.ModelProviderFactoryHelper helper = FactoryUtil.createModelProviderFactoryHelper(this, context);
    helper.validateExcept(CONFIG_PREFIX);
    String model = context.getObjectIdentifier().asSummaryString();
    ResolvedCatalogModel catalogModel = context.getCatalogModel();
    RowMapping mapping = RowMapping.of(model, catalogModel.getResolvedInputSchema(),
        catalogModel.getResolvedOutputSchema());
    String archive = helper.getOptions().get(ARCHIVE);
    ArchiveSource source = archive.startsWith("classpath:")
        ? ArchiveSource.classpath(archive.substring("classpath:".length()))
        : ArchiveSource.path(archive);
    return new ServingModelProvider(model, source, overrides(catalogModel.getOptions()),
        helper.getOptions().getOptional(VERSION).orElse(null), helper.getOptions().get(TIMEOUT), mapping);
  }

  private static Map<String, Object> overrides(Map<String, String> options) {
    Map<String, Object> overrides = new LinkedHashMap<>();
    options.forEach((k, v) -> {
      if (k.startsWith(CONFIG_PREFIX)) {
        overrides.put(k.substring(CONFIG_PREFIX.length()), typed(v.trim()));
      }
    });
    return overrides;
  }

  /** SQL options are text; a manifest's config has numbers and booleans. */
  private static Object typed(String v) {
    if (v.matches("-?\\d{1,9}")) {
      return Integer.valueOf(v);
    }
    if (v.matches("-?\\d{10,18}")) {
      return Long.valueOf(v);
    }
    if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
      return Boolean.valueOf(v);
    }
    return v;
  }
}
