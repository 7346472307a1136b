"""SRView's custom upscalers: ONNX models on onnxruntime, and Python plugins.

Loaded once into the embedded interpreter by the bridge (`custom.rs`). Images arrive as
H x W x 3 uint8 numpy arrays built over Rust's buffer, and leave the same way; everything
here is vectorised numpy, never a loop over pixels.
"""
import importlib.util
import os

import numpy as np


class ModelError(Exception):
    """A model or plugin SRView cannot use; the message says why."""


class OutOfMemory(Exception):
    """The model ran out of memory on this tile; a smaller tile may fit."""


_OOM_MARKERS = ("failed to allocate", "out of memory", "bad_alloc", "cudnn_status_alloc_failed",
                "cublas_status_alloc_failed", "std::bad_alloc")


def _raise_if_oom(error):
    if isinstance(error, MemoryError) or any(m in str(error).lower() for m in _OOM_MARKERS):
        raise OutOfMemory(str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__) from error


_DTYPES = {"tensor(float)": np.float32, "tensor(float16)": np.float16, "tensor(uint8)": np.uint8}


def _fixed(dim):
    return dim if isinstance(dim, int) and dim > 0 else None


class OnnxModel:
    kind = "onnx"

    def __init__(self, path):
        import onnxruntime as ort

        available = ort.get_available_providers()
        providers = [p for p in ("CUDAExecutionProvider",) if p in available] + ["CPUExecutionProvider"]
        try:
            self.session = ort.InferenceSession(path, providers=providers)
        except Exception as error:
            raise ModelError(f"onnxruntime cannot load it: {str(error).strip().splitlines()[0]}") from error
        self.provider = self.session.get_providers()[0]
        inputs, outputs = self.session.get_inputs(), self.session.get_outputs()
        if len(inputs) != 1:
            names = ", ".join(i.name for i in inputs)
            raise ModelError(f"it has {len(inputs)} inputs ({names}); SRView runs models with one image input")
        if len(outputs) < 1:
            raise ModelError("it has no output")
        image = inputs[0]
        if image.type not in _DTYPES:
            raise ModelError(f"its input is {image.type}; SRView feeds float, float16 or uint8 images")
        self.input_name = image.name
        self.dtype = _DTYPES[image.type]
        shape = list(image.shape)
        if len(shape) != 4:
            raise ModelError(f"its input has shape {shape}; SRView feeds one image as N x C x H x W or N x H x W x C")
        # The layout is read from where the 3 colour channels are, not guessed from the name.
        if shape[1] == 3:
            self.channels_last = False
            height, width = shape[2], shape[3]
        elif shape[3] == 3:
            self.channels_last = True
            height, width = shape[1], shape[2]
        else:
            raise ModelError(f"its input has shape {shape}, with no axis of 3 colour channels")
        self.fixed_size = (_fixed(height), _fixed(width)) if _fixed(height) and _fixed(width) else None
        self.value_range = "0-255" if self.dtype == np.uint8 else "0-1"
        self.scale = self._probe()
        self.scales = [self.scale]

    def _probe(self):
        """The scale, measured by running the model once on a small grey image."""
        height, width = self.fixed_size or (24, 20)
        probe = np.full((height, width, 3), 128, np.uint8)
        try:
            out = self._run(probe)
        except Exception as error:
            raise ModelError(f"a {width}x{height} test run failed: {str(error).strip().splitlines()[0]}") from error
        out_h, out_w = out.shape[0], out.shape[1]
        if out_h % height or out_w % width or out_h // height != out_w // width or out_h < height:
            raise ModelError(f"it turns {width}x{height} into {out_w}x{out_h}, not a whole multiple of the input")
        return out_h // height

    def _run(self, image):
        x = image[np.newaxis] if self.channels_last else image.transpose(2, 0, 1)[np.newaxis]
        if self.dtype != np.uint8:
            x = x.astype(self.dtype) * self.dtype(1 / 255)
        y = self.session.run(None, {self.input_name: np.ascontiguousarray(x)})[0]
        if y.ndim != 4 or y.shape[0] != 1:
            raise ModelError(f"its output has shape {list(y.shape)}, not one image")
        y = y[0] if self.channels_last else y[0].transpose(1, 2, 0)
        if y.shape[2] != 3:
            raise ModelError(f"its output has {y.shape[2]} channels, not 3")
        if self.dtype != np.uint8:
            y = np.rint(np.clip(y.astype(np.float32), 0.0, 1.0) * 255.0).astype(np.uint8)
        return np.ascontiguousarray(y)

    def upscale(self, image, scale):
        try:
            return self._run(image)
        except ModelError:
            raise
        except Exception as error:
            _raise_if_oom(error)
            raise

    def describe(self):
        return {"kind": self.kind, "scales": self.scales, "provider": self.provider, "name": None,
                "value_range": self.value_range, "channels_last": self.channels_last,
                "fixed_size": tuple(self.fixed_size) if self.fixed_size else None}


class Plugin:
    kind = "plugin"

    def __init__(self, path, module_name):
        spec = importlib.util.spec_from_file_location(module_name, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        function = getattr(module, "upscale", None)
        if not callable(function):
            raise ModelError("it defines no function upscale(image, scale)")
        scales = getattr(module, "SCALES", None)
        if not isinstance(scales, (list, tuple)) or not scales or not all(
                isinstance(s, int) and not isinstance(s, bool) and 1 <= s <= 16 for s in scales):
            raise ModelError(f"SCALES must be a list of whole scales from 1 to 16, not {scales!r}")
        name = getattr(module, "NAME", None)
        if name is not None and not isinstance(name, str):
            raise ModelError(f"NAME must be a string, not {type(name).__name__}")
        self.function = function
        self.scales = sorted(set(scales))
        self.name = name
        self.fixed_size = None

    def upscale(self, image, scale):
        try:
            return self.function(image, scale)
        except (ModelError, TimeoutError):
            raise
        except Exception as error:
            _raise_if_oom(error)
            raise

    def describe(self):
        return {"kind": self.kind, "scales": self.scales, "provider": "python", "name": self.name,
                "value_range": "0-255", "channels_last": True, "fixed_size": None}


def load(path, module_name):
    if not os.path.isfile(path):
        raise ModelError(f"{path} is not a file")
    if path.endswith(".onnx"):
        return OnnxModel(path)
    if path.endswith(".py"):
        return Plugin(path, module_name)
    raise ModelError(f"{path} is neither an .onnx model nor a .py plugin")

