"""The long fuzzing run: every target of tests/fuzz_targets.py for many inputs.

    python bench/fuzz.py                 # 200,000 inputs per target
    python bench/fuzz.py --examples 1000000 --only "rule engine"

Prints inputs, time and crashes per target; a crash stops the run with hypothesis's
smallest failing input. The suite runs the same targets briefly (tests/test_fuzz.py)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.fuzz_targets import TARGETS  # noqa: E402
from tests.test_fuzz import run_target  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=200_000)
    parser.add_argument("--only", action="append", choices=sorted(TARGETS))
    args = parser.parse_args()
    print(f"{'target':<18} {'inputs':>10} {'seconds':>8} {'inputs/s':>9} crashes")
    for name in args.only or TARGETS:
        check, strategies = TARGETS[name]
        started = time.perf_counter()
        ran = run_target(check, strategies, args.examples, derandomize=False)
        took = time.perf_counter() - started
        print(f"{name:<18} {ran:>10,} {took:>8.0f} {ran / took:>9,.0f} 0", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
