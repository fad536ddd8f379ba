"""Check every .pyc below a tree: complete, valid for its source, loadable.

usage: python validpyc.py TREE

For each __pycache__/NAME.TAG[.opt-N].pyc whose source TREE/.../NAME.py
exists, importlib's own checks run on it (magic number, flags, then mtime and
size, or the source hash), then marshal.loads() must give a code object.
Prints "valid N, bad M" and lists the bad ones; exits 1 if M > 0.
"""
import importlib.util
import marshal
import os
import sys
from importlib import _bootstrap_external as ext


def check(pyc, source):
    data = open(pyc, "rb").read()
    name = os.path.basename(source)
    details = {"name": name, "path": pyc}
    flags = ext._classify_pyc(data, name, details)
    if flags & 0b1:
        source_hash = importlib.util.source_hash(open(source, "rb").read())
        ext._validate_hash_pyc(data, source_hash, name, details)
    else:
        st = os.stat(source)
        ext._validate_timestamp_pyc(data, int(st.st_mtime), st.st_size, name,
                                    details)
    code = marshal.loads(memoryview(data)[16:])
    if not hasattr(code, "co_code"):
        raise ValueError("not a code object")


def main():
    valid = bad = 0
    for dirpath, dirnames, filenames in os.walk(sys.argv[1]):
        if os.path.basename(dirpath) != "__pycache__":
            continue
        for f in filenames:
            if not f.endswith(".pyc"):
                continue
            pyc = os.path.join(dirpath, f)
            source = os.path.join(os.path.dirname(dirpath),
                                  f.split(".")[0] + ".py")
            if not os.path.exists(source):
                continue
            try:
                check(pyc, source)
            except Exception as err:
                bad += 1
                print("bad: %s: %r" % (pyc, err))
            else:
                valid += 1
    print("valid %d, bad %d" % (valid, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
