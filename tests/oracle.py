"""The reference: py_compile.compile() on every path of a list.

usage: python oracle.py LISTFILE [OPTIMIZE [MODE]]

LISTFILE holds NUL-separated paths.  For each one this runs
py_compile.compile(path, doraise=True, optimize=OPTIMIZE, invalidation_mode=MODE)
and prints each failure to stderr as "python -m py_compile" does (the message,
then a newline where it has none), going on after failures.  Exits 1 if any
file failed.  Paths are read from a file so that none is an interned literal.
"""
import os
import py_compile
import sys


def main():
    with open(sys.argv[1], "rb") as f:
        paths = [os.fsdecode(p) for p in f.read().split(b"\0") if p]
    optimize = int(sys.argv[2]) if len(sys.argv) > 2 else -1
    mode = None
    if len(sys.argv) > 3:
        mode = py_compile.PycInvalidationMode[sys.argv[3].upper().replace("-", "_")]
    status = 0
    for path in paths:
        try:
            py_compile.compile(path, doraise=True, optimize=optimize,
                               invalidation_mode=mode)
        except py_compile.PyCompileError as err:
            msg = err.msg
        except OSError as err:
            msg = str(err)
        else:
            continue
        status = 1
        sys.stderr.write(msg if msg.endswith("\n") else msg + "\n")
    return status


if __name__ == "__main__":
    sys.exit(main())
