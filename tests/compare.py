"""Compare two trees of .pyc files made from identical source trees.

usage: python compare.py TREE_A TREE_B

Prints one line of counts: files, header-identical, byte-identical,
code-equal (different marshal bytes but equal code objects, co_filename
included, recursively), and lists every file that is in only one tree or
differs.  Exits 1 on any header difference, missing file or unequal code.
"""
import marshal
import os
import sys


def pycs(top):
    found = {}
    for dirpath, dirnames, filenames in os.walk(top):
        for name in filenames:
            full = os.path.join(dirpath, name)
            # Only regular files: a test may plant a FIFO or a symlink there.
            if name.endswith(".pyc") and os.path.isfile(full) \
                    and not os.path.islink(full):
                found[os.path.relpath(full, top)] = full
    return found


def same_code(a, b):
    """Code objects equal, and so are co_filename of every nested one."""
    if a != b or a.co_filename != b.co_filename:
        return False
    nested_a = [c for c in a.co_consts if hasattr(c, "co_code")]
    nested_b = [c for c in b.co_consts if hasattr(c, "co_code")]
    return len(nested_a) == len(nested_b) and all(
        same_code(x, y) for x, y in zip(nested_a, nested_b))


def main():
    a, b = pycs(sys.argv[1]), pycs(sys.argv[2])
    bad = 0
    for rel in sorted(set(a) ^ set(b)):
        print("only in %s: %s" % (sys.argv[1] if rel in a else sys.argv[2], rel))
        bad += 1
    header = identical = equal = 0
    for rel in sorted(set(a) & set(b)):
        x = open(a[rel], "rb").read()
        y = open(b[rel], "rb").read()
        if x[:16] != y[:16]:
            print("header differs: %s" % rel)
            bad += 1
            continue
        header += 1
        if x == y:
            identical += 1
        elif same_code(marshal.loads(x[16:]), marshal.loads(y[16:])):
            equal += 1
            print("code-equal, bytes differ: %s" % rel)
        else:
            print("code differs: %s" % rel)
            bad += 1
    print("files %d, header-identical %d, byte-identical %d, code-equal %d, bad %d"
          % (len(set(a) | set(b)), header, identical, equal, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
