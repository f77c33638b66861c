#!/usr/bin/python3
"""Validate a generated test-model folder with the official ONNX checker and
shape inference (Debian's python3-onnx). Not part of the test suite:
    /usr/bin/python3 libs/diffusion/src/test-model/check_onnx.py DIR
"""
import os
import sys

import onnx

root = sys.argv[1]
failed = False
for component in ("text_encoder", "unet", "vae_encoder", "vae_decoder"):
    path = os.path.join(root, component, "model.onnx")
    if not os.path.exists(path):
        continue
    try:
        # By path, so external weight files are found and checked too.
        onnx.checker.check_model(path, full_check=True)
        model = onnx.load(path)
        print(f"ok  {component}: ir {model.ir_version}, opset {model.opset_import[0].version}, "
              f"{len(model.graph.node)} nodes, inputs {[i.name for i in model.graph.input]}, "
              f"outputs {[o.name for o in model.graph.output]}")
    except Exception as err:  # report every component, then fail
        failed = True
        print(f"BAD {component}: {err}")
sys.exit(1 if failed else 0)
