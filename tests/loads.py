"""Check that import accepts .pyc files as they are, without recompiling.

usage: python loads.py LIST

LIST is a NUL-separated list of source paths.  For each source whose .pyc
exists (at importlib.util.cache_from_source, so PYTHONPYCACHEPREFIX counts),
importlib's SourceFileLoader.get_code() is asked for the code with
source_to_code() made to fail: get_code() only gets code if it validated the
header (magic, flags, mtime and size or the source hash) and unmarshalled the
data.  Prints "loaded N of M, recompiled K" and exits 1 if K > 0.
"""
import importlib.machinery
import importlib.util
import os
import sys


class Recompiled(Exception):
    pass


def no_compile(*args, **kwargs):
    raise Recompiled()


def main():
    paths = [p for p in open(sys.argv[1], "rb").read().split(b"\0") if p]
    loaded = recompiled = 0
    total = 0
    for raw in paths:
        path = os.path.abspath(os.fsdecode(raw))
        if not os.path.exists(importlib.util.cache_from_source(path)):
            continue
        total += 1
        loader = importlib.machinery.SourceFileLoader("m", path)
        loader.source_to_code = no_compile
        try:
            code = loader.get_code("m")
        except Recompiled:
            recompiled += 1
            print("recompiled: %s" % path)
            continue
        if code is None:
            print("no code: %s" % path)
            recompiled += 1
            continue
        loaded += 1
    print("loaded %d of %d, recompiled %d" % (loaded, total, recompiled))
    return 1 if recompiled or not total else 0


if __name__ == "__main__":
    sys.exit(main())
