package dev.serving4j.flink;

import java.io.Serializable;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.Map;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeRoot;
import org.apache.flink.table.types.logical.RowType;

/**
 * Converts between Flink SQL rows and a handler's Java input and output.
 *
 * <p>Input: the model's one {@code INPUT} column becomes the handler's input: {@code STRING} to {@code String}
 * ({@code embedding}), {@code BYTES} to {@code byte[]} ({@code image-classifier}), {@code ARRAY<FLOAT>} to
 * {@code float[]}. Output: with one {@code OUTPUT} column the handler's whole result is converted to that column's
 * type; with several, the result must be a Java record or a {@code Map} and each column takes the component or key
 * of its name. Conversions by column type: {@code ARRAY<FLOAT>}/{@code ARRAY<DOUBLE>} from {@code float[]}/
 * {@code double[]}; {@code ARRAY<STRING>} from a list whose elements are text or records (a record gives its first
 * text component, so a {@code List<Label>} gives the labels in rank order); {@code ARRAY<ROW<...>>} and
 * {@code ROW<...>} from records by field name; {@code STRING} from text, or from a list of records (the first
 * record's first text component: the top label); numbers from any {@link Number}; {@code BYTES} from {@code byte[]}.
 */
final class RowMapping implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String model;
  private final LogicalTypeRoot input;
  private final List<String> outputNames;
  private final List<LogicalType> outputTypes;

  private RowMapping(String model, LogicalTypeRoot input, List<String> outputNames, List<LogicalType> outputTypes) {
    this.model = model;
    this.input = input;
    this.outputNames = outputNames;
    this.outputTypes = outputTypes;
  }

  /** Checks that the schemas are ones this mapping handles. */
  static RowMapping of(String model, ResolvedSchema inputSchema, ResolvedSchema outputSchema) {
    List<Column> in = inputSchema.getColumns();
    if (in.size() != 1) {
      throw new ValidationException("model " + model + ": a serving4j model takes exactly one INPUT column (the "
          + "handler's input), was " + in.size() + ": " + inputSchema.getColumnNames());
    }
    LogicalType type = in.get(0).getDataType().getLogicalType();
    boolean floatArray = type instanceof ArrayType a && a.getElementType().getTypeRoot() == LogicalTypeRoot.FLOAT;
    if (!type.is(LogicalTypeRoot.VARCHAR) && !type.is(LogicalTypeRoot.CHAR) && !type.is(LogicalTypeRoot.VARBINARY)
        && !type.is(LogicalTypeRoot.BINARY) && !floatArray) {
      throw new ValidationException("model " + model + ": INPUT column '" + in.get(0).getName() + "' has type "
          + type + "; expected STRING, BYTES or ARRAY<FLOAT>");
    }
    List<Column> out = outputSchema.getColumns();
    return new RowMapping(model, floatArray ? LogicalTypeRoot.ARRAY : type.getTypeRoot(),
        out.stream().map(Column::getName).toList(),
        out.stream().map(c -> c.getDataType().getLogicalType()).toList());
  }

  /** The handler's input for the feature row. */
  Object input(RowData row) {
    if (row.isNullAt(0)) {
      return null;
    }
    return switch (input) {
      case VARCHAR, CHAR -> row.getString(0).toString();
      case VARBINARY, BINARY -> row.getBinary(0);
      default -> row.getArray(0).toFloatArray();
    };
  }

  /** The output row for the handler's result. */
  RowData output(Object result) {
    GenericRowData row = new GenericRowData(outputTypes.size());
    for (int i = 0; i < outputTypes.size(); i++) {
      Object value = outputTypes.size() == 1 ? result : field(result, outputNames.get(i));
      row.setField(i, convert(value, outputTypes.get(i), outputNames.get(i)));
    }
    return row;
  }

  private Object convert(Object value, LogicalType type, String column) {
    if (value == null) {
      return null;
    }
    switch (type.getTypeRoot()) {
      case VARCHAR, CHAR:
        return StringData.fromString(value instanceof List<?> list && !list.isEmpty() ? text(list.get(0))
            : text(value));
      case FLOAT:
        return number(value, column).floatValue();
      case DOUBLE:
        return number(value, column).doubleValue();
      case INTEGER:
        return number(value, column).intValue();
      case BIGINT:
        return number(value, column).longValue();
      case BOOLEAN:
        return value;
      case VARBINARY, BINARY:
        return value;
      case ARRAY:
        return array(value, ((ArrayType) type).getElementType(), column);
      case ROW:
        return row(value, (RowType) type, column);
      default:
        throw mismatch(value, type, column);
    }
  }

  private Object array(Object value, LogicalType element, String column) {
    if (value instanceof float[] f) {
      return new GenericArrayData(f);
    }
    if (value instanceof double[] d) {
      return new GenericArrayData(d);
    }
    if (value instanceof List<?> list) {
      return new GenericArrayData(list.stream().map(v -> convert(v, element, column)).toArray());
    }
    throw mismatch(value, new ArrayType(element), column);
  }

  private Object row(Object value, RowType type, String column) {
    GenericRowData row = new GenericRowData(type.getFieldCount());
    for (int i = 0; i < type.getFieldCount(); i++) {
      String name = type.getFieldNames().get(i);
      row.setField(i, convert(field(value, name), type.getTypeAt(i), column + "." + name));
    }
    return row;
  }

  /** A record component or map entry named {@code name}. */
  private Object field(Object value, String name) {
    if (value instanceof Map<?, ?> map) {
      return map.get(name);
    }
    if (value != null && value.getClass().isRecord()) {
      for (RecordComponent c : value.getClass().getRecordComponents()) {
        if (c.getName().equals(name)) {
          return invoke(c, value);
        }
      }
    }
    throw new IllegalArgumentException("model " + model + ": OUTPUT column '" + name + "' has no component of "
        + "that name in the handler's result " + (value == null ? "null" : value.getClass().getName()));
  }

  /** Text, or a record's first text component. */
  private String text(Object value) {
    if (value.getClass().isRecord()) {
      for (RecordComponent c : value.getClass().getRecordComponents()) {
        if (c.getType() == String.class) {
          return (String) invoke(c, value);
        }
      }
    }
    return value.toString();
  }

  private Number number(Object value, String column) {
    if (value instanceof Number n) {
      return n;
    }
    throw mismatch(value, null, column);
  }

  private static Object invoke(RecordComponent c, Object record) {
    try {
      return c.getAccessor().invoke(record);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot read " + c + " of " + record.getClass().getName(), e);
    }
  }

  private IllegalArgumentException mismatch(Object value, LogicalType type, String column) {
    return new IllegalArgumentException("model " + model + ": OUTPUT column '" + column + "'"
        + (type == null ? "" : " of type " + type) + " cannot hold the handler's "
        + value.getClass().getName() + " result");
  }
}
