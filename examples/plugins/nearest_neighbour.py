"""An SRView upscaler plugin: nearest-neighbour upscaling in numpy.

Copy this file into SRView's models folder; it shows up as `custom:nearest_neighbour.py`.
"""
import numpy as np

NAME = "Nearest neighbour (numpy)"
SCALES = [2, 3, 4]


def upscale(image: np.ndarray, scale: int) -> np.ndarray:
    """image: H x W x 3 uint8 RGB. Returns an (H*scale) x (W*scale) x 3 uint8 array."""
    return image.repeat(scale, axis=0).repeat(scale, axis=1)
