"""Generates the tiny ONNX models serving-onnx's unit tests use.

Run with Debian's python3-onnx (not a virtualenv python):
    /usr/bin/python3 serving-onnx/src/test/resources/models/generate.py
The output is deterministic; the few-KB .onnx files are committed next to this script so tests need no Python.
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OUT = os.path.dirname(os.path.abspath(__file__))
OPSET = [helper.make_opsetid("", 13)]


def save(name, nodes, inputs, outputs, initializers=()):
    graph = helper.make_graph(nodes, name, inputs, outputs, initializer=list(initializers))
    model = helper.make_model(graph, opset_imports=OPSET, producer_name="serving4j-tests")
    model.ir_version = 7
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(OUT, name + ".onnx"))


def value(name, elem_type, shape):
    return helper.make_tensor_value_info(name, elem_type, shape)


def const(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


# y[batch, 3] = x[batch, 4] . W + b: the basic batchable model.
save("matmul_add",
     [helper.make_node("MatMul", ["x", "W"], ["xw"]), helper.make_node("Add", ["xw", "b"], ["y"])],
     [value("x", TensorProto.FLOAT, ["batch", 4])],
     [value("y", TensorProto.FLOAT, ["batch", 3])],
     [const("W", np.arange(12, dtype=np.float32).reshape(4, 3) / 10), const("b", np.array([1, 2, 3], np.float32))])

# One model per dtype, each an easily checked op on a [batch, 3] input.
save("dtype_float16", [helper.make_node("Identity", ["x"], ["y"])],
     [value("x", TensorProto.FLOAT16, ["batch", 3])], [value("y", TensorProto.FLOAT16, ["batch", 3])])
save("dtype_int64", [helper.make_node("Add", ["x", "one"], ["y"])],
     [value("x", TensorProto.INT64, ["batch", 3])], [value("y", TensorProto.INT64, ["batch", 3])],
     [const("one", np.array(1, np.int64))])
save("dtype_int32", [helper.make_node("Add", ["x", "one"], ["y"])],
     [value("x", TensorProto.INT32, ["batch", 3])], [value("y", TensorProto.INT32, ["batch", 3])],
     [const("one", np.array(1, np.int32))])
save("dtype_uint8", [helper.make_node("Identity", ["x"], ["y"])],
     [value("x", TensorProto.UINT8, ["batch", 3])], [value("y", TensorProto.UINT8, ["batch", 3])])
save("dtype_bool", [helper.make_node("Not", ["x"], ["y"])],
     [value("x", TensorProto.BOOL, ["batch", 3])], [value("y", TensorProto.BOOL, ["batch", 3])])

# Not batchable: a fixed batch of 2, and no batch dimension at all.
save("fixed_batch", [helper.make_node("Relu", ["x"], ["y"])],
     [value("x", TensorProto.FLOAT, [2, 4])], [value("y", TensorProto.FLOAT, [2, 4])])
save("no_batch", [helper.make_node("Relu", ["x"], ["y"])],
     [value("x", TensorProto.FLOAT, [4])], [value("y", TensorProto.FLOAT, [4])])

# Sequence + mask: total[batch] = sum(ids * mask) over the sequence, so padding must be masked out to be invisible.
save("sequence_mask",
     [helper.make_node("Cast", ["input_ids"], ["ids_f"], to=TensorProto.FLOAT),
      helper.make_node("Cast", ["attention_mask"], ["mask_f"], to=TensorProto.FLOAT),
      helper.make_node("Mul", ["ids_f", "mask_f"], ["masked"]),
      helper.make_node("ReduceSum", ["masked", "axes"], ["total"], keepdims=0)],
     [value("input_ids", TensorProto.INT64, ["batch", "seq"]),
      value("attention_mask", TensorProto.INT64, ["batch", "seq"])],
     [value("total", TensorProto.FLOAT, ["batch"])],
     [const("axes", np.array([1], np.int64))])

# A tiny image classifier over 3x8x8 NCHW: mean colour per channel -> 4 classes (red, green, blue, dark).
weights = np.array([[5, 0, 0, -5], [0, 5, 0, -5], [0, 0, 5, -5]], np.float32)
save("image_classifier",
     [helper.make_node("GlobalAveragePool", ["image"], ["pooled"]),
      helper.make_node("Flatten", ["pooled"], ["flat"], axis=1),
      helper.make_node("MatMul", ["flat", "W"], ["logits0"]),
      helper.make_node("Add", ["logits0", "b"], ["logits"]),
      helper.make_node("Softmax", ["logits"], ["probabilities"], axis=-1)],
     [value("image", TensorProto.FLOAT, ["batch", 3, 8, 8])],
     [value("probabilities", TensorProto.FLOAT, ["batch", 4])],
     [const("W", weights), const("b", np.array([0, 0, 0, 1], np.float32))])
