"""Builds small super-resolution models with the `onnx` package, and their expected outputs
computed in numpy (not onnxruntime), for SRView's custom-model tests. No downloads.

usage: make_models.py OUT_DIR INPUT.rgb WIDTH HEIGHT
INPUT.rgb holds the test image's raw RGB bytes, row by row. Writes OUT_DIR/models/*.onnx,
OUT_DIR/broken/*.onnx and OUT_DIR/expected/<model>.rgb (raw RGB bytes of the expected output).
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def save(model, path):
    model = helper.make_model(model, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)


def depth_to_space_2x(height, width):
    """Float 0-1 NCHW: a 1x1 convolution copies each colour into 4 channels, DepthToSpace
    spreads them into 2x2 blocks: exactly nearest-neighbour 2x."""
    weights = np.zeros((12, 3, 1, 1), np.float32)
    for block in range(4):
        for colour in range(3):
            weights[block * 3 + colour, colour, 0, 0] = 1.0
    nodes = [
        helper.make_node("Conv", ["image", "w"], ["spread"]),
        helper.make_node("DepthToSpace", ["spread"], ["upscaled"], blocksize=2, mode="DCR"),
    ]
    graph = helper.make_graph(
        nodes,
        "depth_to_space_2x",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 3, height, width])],
        [helper.make_tensor_value_info("upscaled", TensorProto.FLOAT, [1, 3, None, None])],
        [numpy_helper.from_array(weights, "w")],
    )
    return graph


def resize_4x_uint8():
    """uint8 0-255 NHWC input, nearest 4x by Resize on the two spatial axes."""
    scales = np.array([1, 4, 4, 1], np.float32)
    nodes = [helper.make_node("Resize", ["image", "", "scales"], ["upscaled"], mode="nearest")]
    graph = helper.make_graph(
        nodes,
        "resize_4x_uint8",
        [helper.make_tensor_value_info("image", TensorProto.UINT8, [1, "height", "width", 3])],
        [helper.make_tensor_value_info("upscaled", TensorProto.UINT8, [1, None, None, 3])],
        [numpy_helper.from_array(scales, "scales")],
    )
    return graph


def invert_2x():
    """Float 0-1 NCHW: 1 - x, then nearest 2x; its output differs from its input's colours."""
    scales = np.array([1, 1, 2, 2], np.float32)
    one = np.array(1.0, np.float32)
    nodes = [
        helper.make_node("Sub", ["one", "image"], ["inverted"]),
        helper.make_node("Resize", ["inverted", "", "scales"], ["upscaled"], mode="nearest"),
    ]
    graph = helper.make_graph(
        nodes,
        "invert_2x",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 3, "h", "w"])],
        [helper.make_tensor_value_info("upscaled", TensorProto.FLOAT, [1, 3, None, None])],
        [numpy_helper.from_array(scales, "scales"), numpy_helper.from_array(one, "one")],
    )
    return graph


def espcn_like_2x(channels=16):
    """A small real super-resolution network (ESPCN's shape: three 3x3 convolutions, then
    DepthToSpace) with fixed random weights, for timing; its output is not checked."""
    rng = np.random.default_rng(7)
    shapes = [(channels, 3, 3, 3), (channels, channels, 3, 3), (12, channels, 3, 3)]
    weights = [numpy_helper.from_array((rng.standard_normal(s) * 0.1).astype(np.float32), f"w{i}") for i, s in enumerate(shapes)]
    nodes = [
        helper.make_node("Conv", ["image", "w0"], ["c0"], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c0"], ["r0"]),
        helper.make_node("Conv", ["r0", "w1"], ["c1"], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c1"], ["r1"]),
        helper.make_node("Conv", ["r1", "w2"], ["c2"], pads=[1, 1, 1, 1]),
        helper.make_node("DepthToSpace", ["c2"], ["upscaled"], blocksize=2, mode="DCR"),
    ]
    return helper.make_graph(
        nodes,
        "espcn_like_2x",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 3, "h", "w"])],
        [helper.make_tensor_value_info("upscaled", TensorProto.FLOAT, [1, 3, None, None])],
        weights,
    )


def two_inputs():
    nodes = [helper.make_node("Add", ["a", "b"], ["sum"])]
    shape = [1, 3, "h", "w"]
    return helper.make_graph(
        nodes,
        "two_inputs",
        [helper.make_tensor_value_info("a", TensorProto.FLOAT, shape),
         helper.make_tensor_value_info("b", TensorProto.FLOAT, shape)],
        [helper.make_tensor_value_info("sum", TensorProto.FLOAT, shape)],
    )


def not_a_multiple():
    """2x, then one more row and column: the output is not an integer multiple of the input."""
    scales = np.array([1, 1, 2, 2], np.float32)
    pads = np.array([0, 0, 0, 0, 0, 0, 1, 1], np.int64)
    nodes = [
        helper.make_node("Resize", ["image", "", "scales"], ["upscaled"], mode="nearest"),
        helper.make_node("Pad", ["upscaled", "pads"], ["padded"]),
    ]
    return helper.make_graph(
        nodes,
        "not_a_multiple",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 3, "h", "w"])],
        [helper.make_tensor_value_info("padded", TensorProto.FLOAT, [1, 3, None, None])],
        [numpy_helper.from_array(scales, "scales"), numpy_helper.from_array(pads, "pads")],
    )


def main():
    out, source, width, height = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    for folder in ("models", "broken", "expected"):
        os.makedirs(os.path.join(out, folder), exist_ok=True)
    models = os.path.join(out, "models")
    broken = os.path.join(out, "broken")
    save(depth_to_space_2x("h", "w"), os.path.join(models, "d2s-2x.onnx"))
    save(depth_to_space_2x(48, 48), os.path.join(models, "d2s-2x-fixed48.onnx"))
    save(resize_4x_uint8(), os.path.join(models, "nearest-4x-uint8.onnx"))
    save(invert_2x(), os.path.join(models, "invert-2x.onnx"))
    save(espcn_like_2x(), os.path.join(out, "espcn-like-2x.onnx"))
    save(two_inputs(), os.path.join(broken, "two-inputs.onnx"))
    save(not_a_multiple(), os.path.join(broken, "not-a-multiple.onnx"))
    with open(os.path.join(broken, "corrupt.onnx"), "wb") as corrupt:
        corrupt.write(b"\x08\x07\x12\x04this is not a protobuf graph" * 8)

    rgb = np.fromfile(source, np.uint8).reshape(height, width, 3)
    nearest = lambda image, factor: image.repeat(factor, axis=0).repeat(factor, axis=1)
    expected = {
        "d2s-2x": nearest(rgb, 2),
        "d2s-2x-fixed48": nearest(rgb, 2),
        "nearest-4x-uint8": nearest(rgb, 4),
        "invert-2x": nearest(255 - rgb, 2),
    }
    for name, image in expected.items():
        np.ascontiguousarray(image).tofile(os.path.join(out, "expected", name + ".rgb"))


if __name__ == "__main__":
    main()
