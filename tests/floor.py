"""The compile floor: CPU time of compile() + marshal.dumps(), nothing else.

usage: python floor.py LIST GOOD_LIST

LIST holds NUL-separated paths.  Every source is read into memory first (not
timed); then for each one the process CPU time of
marshal.dumps(compile(source, path, "exec", dont_inherit=True)) is summed.
Prints the total in seconds on stdout.  The paths that compile are written to
GOOD_LIST (NUL-separated), so that every tool can be timed on files that all
succeed (python -m py_compile - stops at the first failure).
"""
import marshal
import os
import sys
import time


def main():
    with open(sys.argv[1], "rb") as f:
        paths = [p for p in f.read().split(b"\0") if p]
    sources = []
    for p in paths:
        with open(p, "rb") as f:
            sources.append((p, f.read()))
    total = 0.0
    good = []
    for p, src in sources:
        t0 = time.process_time()
        try:
            marshal.dumps(compile(src, os.fsdecode(p), "exec",
                                  dont_inherit=True))
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        finally:
            total += time.process_time() - t0
        good.append(p)
    with open(sys.argv[2], "wb") as f:
        f.write(b"".join(p + b"\0" for p in good))
    print("%.3f" % total)


if __name__ == "__main__":
    sys.exit(main())
