#!/usr/bin/env python3
"""Writes the small Keras 2 HDF5 fixtures of Tests/MaskBenchInferenceTests/Fixtures/.

Needs h5py and numpy only (no TensorFlow): the files are written the way Keras 2 saves a model
(`model_config` JSON attribute, `model_weights/<layer>/<weight name>` datasets, `weight_names` attributes),
and the expected output of `tiny.h5` is computed here with NumPy, independently of the importer.

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install h5py
    /tmp/venv/bin/python Scripts/make-keras-fixtures.py

Files:
  tiny.h5               Input 8x8x3 -> Conv2D(4, 3x3, stride 2, 'same', relu; TensorFlow pads 0 before, 1 after)
                        -> BatchNormalization(epsilon 0.001) -> GlobalAveragePooling2D -> Dense(2, softmax)
  tiny.in.f32           a batch of 2 inputs, float32 little-endian, NHWC (2, 8, 8, 3)
  tiny.out.f32          NumPy's output for it, float32 (2, 2)
  unsupported_layer.h5  tiny.h5 with an UpSampling2D layer named 'upsample' after the convolution
  missing_weights.h5    tiny.h5 whose Dense kernel is listed in weight_names but absent
  wrong_shape.h5        tiny.h5 whose Conv2D kernel has shape (3, 3, 3, 5) instead of (3, 3, 3, 4)
  shared_padding.h5     Input 6x7x4 -> ZeroPadding2D(((1, 2), (0, 1))) 'pad', read by DepthwiseConv2D(3x3, stride 2,
                        'valid', relu6) 'dw' (which pads by itself in the importer) and by Conv2D(2, 1x1) 'pw' (which
                        needs a Padding layer); outputs dw, pw and pad itself
  shared_padding.in.f32 a batch of 2 inputs, NHWC (2, 6, 7, 4)
  shared_padding.out.f32 NumPy's three outputs, each NCHW as OpenCV gives them, one after the other
"""
import json
import os

import h5py
import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "MaskBenchInferenceTests", "Fixtures")


def layer(class_name, name, inbound, **config):
    config["name"] = name
    config.setdefault("trainable", True)
    config.setdefault("dtype", "float32")
    nodes = [[[i, 0, 0, {}] for i in inbound]] if inbound else []
    return {"class_name": class_name, "config": config, "name": name, "inbound_nodes": nodes}


def tiny_layers(upsample=False):
    conv_out = "conv"
    layers = [
        layer("InputLayer", "input_1", None, batch_input_shape=[None, 8, 8, 3], sparse=False),
        layer("Conv2D", "conv", ["input_1"], filters=4, kernel_size=[3, 3], strides=[2, 2], padding="same",
              data_format="channels_last", dilation_rate=[1, 1], activation="relu", use_bias=True,
              kernel_regularizer=None, bias_constraint=None),
    ]
    if upsample:
        layers.append(layer("UpSampling2D", "upsample", ["conv"], size=[2, 2], data_format="channels_last",
                            interpolation="nearest"))
        conv_out = "upsample"
    layers += [
        layer("BatchNormalization", "bn", [conv_out], axis=[3], momentum=0.99, epsilon=0.001, center=True,
              scale=True, beta_regularizer=None),
        layer("GlobalAveragePooling2D", "gap", ["bn"], data_format="channels_last", keepdims=False),
        layer("Dense", "dense", ["gap"], units=2, activation="softmax", use_bias=True, kernel_regularizer=None),
    ]
    return layers


def weights():
    rng = np.random.default_rng(20261129)
    return {
        "conv": {"kernel": rng.normal(0, 0.5, (3, 3, 3, 4)), "bias": rng.normal(0, 0.1, (4,))},
        "bn": {"gamma": rng.uniform(0.5, 1.5, (4,)), "beta": rng.normal(0, 0.2, (4,)),
               "moving_mean": rng.normal(0, 0.3, (4,)), "moving_variance": rng.uniform(0.2, 2.0, (4,))},
        "dense": {"kernel": rng.normal(0, 1.0, (4, 2)), "bias": rng.normal(0, 0.1, (2,))},
    }


def write(path, layers, w, drop=None, reshape=None, outputs=("dense",)):
    names = [l["name"] for l in layers]
    config = {"class_name": "Functional", "config": {"name": "tiny", "layers": layers,
                                                     "input_layers": [["input_1", 0, 0]],
                                                     "output_layers": [[o, 0, 0] for o in outputs]}}
    with h5py.File(path, "w") as f:
        f.attrs["backend"] = "tensorflow"
        f.attrs["keras_version"] = "2.21.0"
        f.attrs["model_config"] = json.dumps(config)
        g = f.create_group("model_weights")
        g.attrs["layer_names"] = np.array([n.encode() for n in names])
        for n in names:
            lg = g.create_group(n)
            roles = list(w.get(n, {}).keys())
            if not roles:
                lg.attrs["weight_names"] = np.zeros((0,), dtype=np.float64)
                continue
            lg.attrs["weight_names"] = np.array([f"{n}/{r}:0".encode() for r in roles])
            for r in roles:
                if drop == (n, r):
                    continue
                value = w[n][r]
                if reshape is not None and reshape[0] == (n, r):
                    value = np.resize(value, reshape[1])
                lg.create_dataset(f"{n}/{r}:0", data=value.astype(np.float32))


def reference(x, w):
    k, b = w["conv"]["kernel"].astype(np.float32).astype(np.float64), w["conv"]["bias"].astype(np.float32)
    # TensorFlow 'same' for 8 -> 4 with a 3x3 kernel, stride 2: total padding 1, 0 before and 1 after.
    xp = np.pad(x, ((0, 0), (0, 1), (0, 1), (0, 0)))
    y = np.zeros((x.shape[0], 4, 4, 4))
    for i in range(4):
        for j in range(4):
            patch = xp[:, 2 * i:2 * i + 3, 2 * j:2 * j + 3, :]
            y[:, i, j, :] = np.einsum("nhwc,hwco->no", patch, k)
    y = np.maximum(y + b, 0)
    bn = {r: v.astype(np.float32).astype(np.float64) for r, v in w["bn"].items()}
    y = bn["gamma"] * (y - bn["moving_mean"]) / np.sqrt(bn["moving_variance"] + 0.001) + bn["beta"]
    y = y.mean(axis=(1, 2))
    z = y @ w["dense"]["kernel"].astype(np.float32) + w["dense"]["bias"].astype(np.float32)
    z = np.exp(z - z.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)


def shared_padding():
    rng = np.random.default_rng(20261130)
    layers = [
        layer("InputLayer", "input_1", None, batch_input_shape=[None, 6, 7, 4], sparse=False),
        layer("ZeroPadding2D", "pad", ["input_1"], padding=[[1, 2], [0, 1]], data_format="channels_last"),
        layer("DepthwiseConv2D", "dw", ["pad"], kernel_size=[3, 3], strides=[2, 2], padding="valid",
              depth_multiplier=1, data_format="channels_last", dilation_rate=[1, 1], activation="relu6",
              use_bias=True),
        layer("Conv2D", "pw", ["pad"], filters=2, kernel_size=[1, 1], strides=[1, 1], padding="valid",
              data_format="channels_last", dilation_rate=[1, 1], activation="linear", use_bias=True),
    ]
    w = {"dw": {"depthwise_kernel": rng.normal(0, 1.0, (3, 3, 4, 1)), "bias": rng.normal(0, 0.5, (4,))},
         "pw": {"kernel": rng.normal(0, 1.0, (1, 1, 4, 2)), "bias": rng.normal(0, 0.5, (2,))}}
    write(os.path.join(OUT, "shared_padding.h5"), layers, w, outputs=("dw", "pw", "pad"))
    x = rng.uniform(-2, 2, (2, 6, 7, 4)).astype(np.float32)
    x.astype("<f4").tofile(os.path.join(OUT, "shared_padding.in.f32"))
    f = {n: {r: v.astype(np.float32).astype(np.float64) for r, v in d.items()} for n, d in w.items()}
    xp = np.pad(x.astype(np.float64), ((0, 0), (1, 2), (0, 1), (0, 0)))  # (2, 9, 8, 4)
    dw = np.zeros((2, 4, 3, 4))
    for i in range(4):
        for j in range(3):
            patch = xp[:, 2 * i:2 * i + 3, 2 * j:2 * j + 3, :]
            dw[:, i, j, :] = np.einsum("nhwc,hwc->nc", patch, f["dw"]["depthwise_kernel"][:, :, :, 0])
    dw = np.clip(dw + f["dw"]["bias"], 0, 6)
    pw = xp @ f["pw"]["kernel"][0, 0] + f["pw"]["bias"]
    nchw = [a.transpose(0, 3, 1, 2).ravel() for a in (dw, pw, xp)]
    np.concatenate(nchw).astype("<f4").tofile(os.path.join(OUT, "shared_padding.out.f32"))


def main():
    os.makedirs(OUT, exist_ok=True)
    w = weights()
    write(os.path.join(OUT, "tiny.h5"), tiny_layers(), w)
    write(os.path.join(OUT, "unsupported_layer.h5"), tiny_layers(upsample=True), w)
    write(os.path.join(OUT, "missing_weights.h5"), tiny_layers(), w, drop=("dense", "kernel"))
    write(os.path.join(OUT, "wrong_shape.h5"), tiny_layers(), w, reshape=(("conv", "kernel"), (3, 3, 3, 5)))
    x = np.random.default_rng(7).uniform(-1, 1, (2, 8, 8, 3)).astype(np.float32)
    x.astype("<f4").tofile(os.path.join(OUT, "tiny.in.f32"))
    reference(x.astype(np.float64), w).astype("<f4").tofile(os.path.join(OUT, "tiny.out.f32"))
    shared_padding()


if __name__ == "__main__":
    main()
