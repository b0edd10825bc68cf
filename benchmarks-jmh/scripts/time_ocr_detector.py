"""Times one run of PaddleOCR v4's text detector in ONNX Runtime alone (no serving4j), per page size, batch size
and intra-op thread count: the figures behind the bench's choice of 320x320 pages (docs/tuning.md).

Usage: time_ocr_detector.py MODEL.onnx [MODEL.onnx ...]

Input is uniform noise in the normalised range; a convolutional detector's run time does not depend on the pixels.
Each point: 3 unmeasured runs, then the median of 9.
"""
import sys
import time

import numpy as np
import onnxruntime as ort


def median_ms(session, x):
    for _ in range(3):
        session.run(None, {"x": x})
    times = []
    for _ in range(9):
        start = time.perf_counter()
        session.run(None, {"x": x})
        times.append((time.perf_counter() - start) * 1e3)
    return sorted(times)[4]


def main(models):
    rng = np.random.default_rng(42)
    for model in models:
        for threads in (1, 2):
            options = ort.SessionOptions()
            options.intra_op_num_threads = threads
            session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
            for side, batch in ((320, 1), (320, 4), (640, 1)):
                x = rng.uniform(-1, 1, (batch, 3, side, side)).astype(np.float32)
                ms = median_ms(session, x)
                print(f"{model.rsplit('/', 1)[-1]} threads {threads} {side}x{side} batch {batch}: "
                      f"{ms:.1f} ms per run, {ms / batch:.1f} ms per page", flush=True)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    main(sys.argv[1:])
