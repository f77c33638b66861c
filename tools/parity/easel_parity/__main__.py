"""Command line of the reference harness (run from the repository root with Debian's Python):

  /usr/bin/python3 -m tools.parity.easel_parity validate [--all] [ID...]   # harness vs the committed references
  /usr/bin/python3 -m tools.parity.easel_parity render ID --out x.png     # one case's picture
  /usr/bin/python3 -m tools.parity.easel_parity trace ID --out x.npz      # latents after every step
  /usr/bin/python3 -m tools.parity.easel_parity write [ID...]             # (re)make the planned cases' references
  /usr/bin/python3 -m tools.parity.easel_parity selfcheck                 # scheduler code vs the scheduler oracle

`validate` without --all checks the cases whose reference diffusers itself made (reference_source "diffusers …").
"""
import argparse
import json
import sys
import time

import numpy as np

from . import fixtures


def main(argv=None):
    parser = argparse.ArgumentParser(prog="easel_parity")
    sub = parser.add_subparsers(dest="cmd", required=True)
    v = sub.add_parser("validate")
    v.add_argument("--all", action="store_true", help="every case, the harness's own references included")
    v.add_argument("ids", nargs="*")
    r = sub.add_parser("render")
    r.add_argument("id")
    r.add_argument("--out", required=True)
    t = sub.add_parser("trace")
    t.add_argument("id")
    t.add_argument("--out", required=True)
    sub.add_parser("selfcheck", help="scheduler code vs test/fixtures/oracle/schedulers.json (diffusers 0.40.0.dev0)")
    w = sub.add_parser("write")
    w.add_argument("ids", nargs="*")
    args = parser.parse_args(argv)

    if args.cmd == "selfcheck":
        from . import selfcheck, upstream

        up = upstream.load()
        print(f"reference code: {up.source}", file=sys.stderr)
        for name, diff in selfcheck.check(up).items():
            print(f"{name}: max |diff| {diff:.3g}")
        return
    harness = fixtures.Harness()
    print(f"reference code: {harness.upstream.source}", file=sys.stderr)
    try:
        if args.cmd == "validate":
            worst = 0
            for case in fixtures.load_cases():
                if args.ids and case["id"] not in args.ids:
                    continue
                if not args.ids and not args.all and not case["reference_source"].startswith("diffusers "):
                    continue
                started = time.perf_counter()
                diff = fixtures.max_diff(harness.render(case), fixtures.PARITY_DIR / case["reference"])
                worst = max(worst, diff)
                print(f"{case['id']}: max diff {diff}/255 ({time.perf_counter() - started:.1f} s)", flush=True)
            print(f"worst: {worst}/255")
        elif args.cmd == "render":
            harness.render(fixtures.case_by_id(args.id)).save(args.out)
        elif args.cmd == "trace":
            steps = []
            harness.render(fixtures.case_by_id(args.id), trace=steps)
            np.savez(args.out, t=np.array([s for s, _ in steps]), latents=np.stack([l.numpy() for _, l in steps]))
        elif args.cmd == "write":
            fixtures.write_planned(harness, args.ids)
    finally:
        harness.close()


if __name__ == "__main__":
    main()
