"""Easel's diffusers reference harness: diffusers 0.27.2's SD 1.x pipelines on our ONNX graphs (see ../README.md)."""
