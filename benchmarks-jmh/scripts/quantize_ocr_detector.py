"""Quantizes PaddleOCR v4's text detector to int8 with ONNX Runtime's static quantization tooling.

Usage: quantize_ocr_detector.py FP32_MODEL PAGES_FOLDER OUTPUT_MODEL

Calibration data: the PNG pages in PAGES_FOLDER (DetectorPages writes the bench's own pages there), turned into
the detector's input exactly as TextDetector prepares a page: BGR, (v / 255 - 0.5) / 0.5, NCHW. Format QDQ (int8
weights per channel, uint8 activations, min-max calibration): ONNX Runtime fuses each QuantizeLinear/DequantizeLinear
pair around a Conv into an int8 convolution on CPU.
"""
import pathlib
import sys
import tempfile

import numpy as np
import onnx
import onnx.version_converter
from PIL import Image
from onnxruntime.quantization import CalibrationDataReader, CalibrationMethod, QuantFormat, QuantType
from onnxruntime.quantization import quantize_static
from onnxruntime.quantization.shape_inference import quant_pre_process


class Pages(CalibrationDataReader):
    """Feeds one page at a time, as the detector's input 'x' of shape [1, 3, h, w]."""

    def __init__(self, folder):
        self.files = sorted(pathlib.Path(folder).glob("*.png"))
        if not self.files:
            raise SystemExit(f"no PNG page in {folder}")
        self.next = iter(self.files)

    def get_next(self):
        file = next(self.next, None)
        if file is None:
            return None
        rgb = np.asarray(Image.open(file).convert("RGB"), dtype=np.float32)
        bgr = rgb[:, :, ::-1] / 255.0
        x = ((bgr - 0.5) / 0.5).transpose(2, 0, 1)[np.newaxis].astype(np.float32)
        return {"x": np.ascontiguousarray(x)}


def constants_as_initializers(model):
    """The exported graph holds its weights in Constant nodes; the quantizer only quantizes initializers."""
    graph = model.graph
    kept = []
    for node in graph.node:
        value = next((a for a in node.attribute if a.name == "value"), None)
        if node.op_type == "Constant" and value is not None and len(node.attribute) == 1:
            tensor = onnx.helper.get_attribute_value(value)
            tensor.name = node.output[0]
            graph.initializer.append(tensor)
        else:
            kept.append(node)
    del graph.node[:]
    graph.node.extend(kept)
    return model


def main(fp32, pages, out):
    with tempfile.TemporaryDirectory() as tmp:
        lifted = pathlib.Path(tmp) / "lifted.onnx"
        # opset 13: per-channel QuantizeLinear/DequantizeLinear need its 'axis' (the model is opset 11)
        model = onnx.version_converter.convert_version(onnx.load(fp32), 13)
        onnx.save(constants_as_initializers(model), str(lifted))
        prepared = pathlib.Path(tmp) / "prepared.onnx"
        # ONNX shape inference and graph clean-up; symbolic shape inference cannot resolve the dynamic page sides
        quant_pre_process(str(lifted), str(prepared), skip_symbolic_shape=True)
        quantize_static(str(prepared), out, Pages(pages), quant_format=QuantFormat.QDQ, per_channel=True,
                        activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8,
                        calibrate_method=CalibrationMethod.MinMax)
    print(f"wrote {out} ({pathlib.Path(out).stat().st_size} bytes) from {fp32}, calibrated on "
          f"{len(Pages(pages).files)} pages of {pages}")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    main(*sys.argv[1:])
