#!/usr/bin/env python3
"""Writes the classifier fixtures of Tests/MaskBenchInferenceTests/Fixtures/ with TensorFlow and ONNX Runtime.

The expected outputs come from the tools the users run (tf_keras' predict, onnxruntime), not from MaskBench.
Weights are random (seeded); inputs are random too. Made once; the files are committed (about 100 KB).

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install tensorflow-cpu tf_keras h5py onnx onnxruntime
    (made with tensorflow-cpu 2.21.0, tf_keras 2.21.0, h5py 3.14.0, onnx 1.23.2, onnxruntime 1.32.0, numpy 2.4.6)
    /tmp/venv/bin/python Scripts/make-classifier-fixtures.py

Files:
  vgg_style.h5          seed 002's shape at a small size: a VGG-style base (block1_conv1/2 8 filters 3x3 'same'
                        relu, block1_pool 2x2, block2_conv1/2 16 filters, block2_pool), a Functional model nested
                        in a Sequential head: Flatten (over 6x6x16), Dense(16, relu), Dropout(0.5), Dense(2,
                        softmax). Input 24x24x3. Keras 2 HDF5 (tf_keras model.save).
  vgg_style.in.f32      a batch of 2 inputs, float32 little-endian, NHWC (2, 24, 24, 3)
  vgg_style.out.f32     tf_keras' predict for it, float32 (2, 2)
  sigmoid_head.h5       Input 16x16x3, Conv2D(4, 3x3, relu), GlobalAveragePooling2D, Dense(1, sigmoid)
  logits_head.h5        the same with Dense(2) and no activation: two numbers that are not a softmax
  three_way.h5          the same with Dense(3, softmax)
  tiny_classifier.onnx  Conv(3->4, 3x3, pad 1) Relu GlobalAveragePool Flatten Gemm(4->2) Softmax, input 1x3x16x16
  tiny_classifier.in.f32   one input, float32 NCHW (1, 3, 16, 16)
  tiny_classifier.out.f32  onnxruntime's output for it (1, 2)
"""
import os

import numpy as np
import onnx
import onnxruntime
import tf_keras as keras
from onnx import TensorProto, helper, numpy_helper

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "MaskBenchInferenceTests", "Fixtures")


def vgg_style():
    keras.utils.set_random_seed(20261203)
    inputs = keras.Input((24, 24, 3), name="input_1")
    x = inputs
    for block, filters in ((1, 8), (2, 16)):
        for conv in (1, 2):
            x = keras.layers.Conv2D(filters, 3, padding="same", activation="relu",
                                    name=f"block{block}_conv{conv}")(x)
        x = keras.layers.MaxPooling2D(2, name=f"block{block}_pool")(x)
    base = keras.Model(inputs, x, name="vgg19_style")
    model = keras.Sequential([
        base,
        keras.layers.Flatten(name="flatten"),
        keras.layers.Dense(16, activation="relu", name="fc1"),
        keras.layers.Dropout(0.5, name="dropout"),
        keras.layers.Dense(2, activation="softmax", name="predictions"),
    ], name="vgg_style_classifier")
    model.save(os.path.join(OUT, "vgg_style.h5"))
    x = np.random.default_rng(11).uniform(-1, 1, (2, 24, 24, 3)).astype(np.float32)
    x.astype("<f4").tofile(os.path.join(OUT, "vgg_style.in.f32"))
    model.predict(x, verbose=0).astype("<f4").tofile(os.path.join(OUT, "vgg_style.out.f32"))


def small_head(name, units, activation):
    keras.utils.set_random_seed(20261204)
    inputs = keras.Input((16, 16, 3), name="input_1")
    x = keras.layers.Conv2D(4, 3, activation="relu", name="conv")(inputs)
    x = keras.layers.GlobalAveragePooling2D(name="gap")(x)
    outputs = keras.layers.Dense(units, activation=activation, name="head")(x)
    keras.Model(inputs, outputs, name=name).save(os.path.join(OUT, f"{name}.h5"))


def tiny_onnx():
    rng = np.random.default_rng(20261205)
    w = rng.normal(0, 0.3, (4, 3, 3, 3)).astype(np.float32)
    b = rng.normal(0, 0.1, (4,)).astype(np.float32)
    fc = rng.normal(0, 1.0, (2, 4)).astype(np.float32)
    fcb = rng.normal(0, 0.1, (2,)).astype(np.float32)
    nodes = [
        helper.make_node("Conv", ["input", "w", "b"], ["conv"], pads=[1, 1, 1, 1], kernel_shape=[3, 3]),
        helper.make_node("Relu", ["conv"], ["relu"]),
        helper.make_node("GlobalAveragePool", ["relu"], ["pool"]),
        helper.make_node("Flatten", ["pool"], ["flat"], axis=1),
        helper.make_node("Gemm", ["flat", "fc", "fcb"], ["logits"], transB=1),
        helper.make_node("Softmax", ["logits"], ["probabilities"], axis=1),
    ]
    graph = helper.make_graph(
        nodes, "tiny_classifier",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, 16, 16])],
        [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, [1, 2])],
        [numpy_helper.from_array(a, n) for a, n in ((w, "w"), (b, "b"), (fc, "fc"), (fcb, "fcb"))])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 11)], producer_name="maskbench-fixtures")
    model.ir_version = 7
    onnx.checker.check_model(model)
    path = os.path.join(OUT, "tiny_classifier.onnx")
    onnx.save(model, path)
    x = rng.uniform(-1, 1, (1, 3, 16, 16)).astype(np.float32)
    x.astype("<f4").tofile(os.path.join(OUT, "tiny_classifier.in.f32"))
    session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
    session.run(None, {"input": x})[0].astype("<f4").tofile(os.path.join(OUT, "tiny_classifier.out.f32"))


def main():
    os.makedirs(OUT, exist_ok=True)
    vgg_style()
    small_head("sigmoid_head", 1, "sigmoid")
    small_head("logits_head", 2, None)
    small_head("three_way", 3, "softmax")
    tiny_onnx()


if __name__ == "__main__":
    main()
