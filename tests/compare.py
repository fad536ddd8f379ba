"""Compare two trees of .pyc files made from identical source trees.

usage: python compare.py [--tag=TAG] TREE_A TREE_B
       python compare.py --links TREE_A TREE_B

Prints one line of counts: files, header-identical, byte-identical,
code-equal (different marshal bytes but equal code objects, co_filename
included, recursively), and lists every file that is in only one tree or
differs.  Exits 1 on any header difference, missing file or unequal code.
With --tag=TAG, only the .pyc files of that cache tag (NAME.TAG.pyc,
NAME.TAG.opt-N.pyc) are compared: run it with the Python of that tag,
whose marshal reads them.
With --links-coarser, TREE_B may also link files that TREE_A keeps apart
(a level that took the level below's code, where compileall's own second
compile differs in marshal reference flags only), never the reverse.
With --links, compares instead how the .pyc files are grouped by inode
(hard links): prints the number of groups and exits 1 if the groupings of
the relative paths differ.
"""
import marshal
import os
import struct
import sys


TAG = None


def pycs(top):
    found = {}
    for dirpath, dirnames, filenames in os.walk(top):
        for name in filenames:
            full = os.path.join(dirpath, name)
            # Only regular files: a test may plant a FIFO or a symlink there.
            if TAG is not None and "." + TAG + "." not in name:
                continue
            if name.endswith(".pyc") and os.path.isfile(full) \
                    and not os.path.islink(full):
                found[os.path.relpath(full, top)] = full
    return found


CODE_FIELDS = ("co_argcount", "co_posonlyargcount", "co_kwonlyargcount",
               "co_stacksize", "co_flags", "co_code", "co_names",
               "co_varnames", "co_freevars", "co_cellvars", "co_filename",
               "co_name", "co_qualname", "co_firstlineno", "co_linetable",
               "co_exceptiontable", "co_nlocals")
# 3.9 keeps its line table in co_lnotab (deprecated, and derived, later).
if sys.version_info < (3, 10):
    CODE_FIELDS += ("co_lnotab",)


def value_key(obj):
    """What a constant is, by value: types kept apart, floats by their bits
    (so NaN equals itself and -0.0 differs from 0.0), code objects field by
    field, co_filename included, recursively."""
    if hasattr(obj, "co_code"):
        return ("code",) + tuple(value_key(getattr(obj, f, None))
                                 for f in CODE_FIELDS) + (
            value_key(obj.co_consts),)
    if isinstance(obj, float):
        return ("float", struct.pack("<d", obj))
    if isinstance(obj, complex):
        return ("complex", struct.pack("<dd", obj.real, obj.imag))
    if isinstance(obj, tuple):
        return ("tuple",) + tuple(value_key(x) for x in obj)
    if isinstance(obj, frozenset):
        return ("frozenset", tuple(sorted(repr(value_key(x)) for x in obj)))
    return (type(obj).__name__, obj)


def same_code(a, b):
    """Code objects equal, and so are co_filename of every nested one."""
    return value_key(a) == value_key(b)


def link_groups(top):
    groups = {}
    for rel, full in pycs(top).items():
        st = os.stat(full)
        groups.setdefault((st.st_dev, st.st_ino), []).append(rel)
    return sorted(sorted(g) for g in groups.values())


def links(coarser=False):
    a, b = link_groups(sys.argv[2]), link_groups(sys.argv[3])
    merged = 0
    if coarser:
        # B may link files that A keeps apart, never the reverse: each
        # group of A lies within one group of B.
        of = {p: tuple(g) for g in b for p in g}
        bad = [g for g in a if len({of.get(p) for p in g}) != 1 or None in {of.get(p) for p in g}]
        for g in bad:
            print("split in %s: group %s" % (sys.argv[3], g))
        for g in b:
            if g not in a:
                merged += 1
                print("merged in %s: group %s" % (sys.argv[3], g))
        print("groups %d, linked groups %d, merged %d" % (
            len(a), sum(len(g) > 1 for g in a), merged))
        return 1 if bad else 0
    for g in a:
        if g not in b:
            print("only in %s: group %s" % (sys.argv[2], g))
    for g in b:
        if g not in a:
            print("only in %s: group %s" % (sys.argv[3], g))
    print("groups %d, linked groups %d" % (len(a), sum(len(g) > 1 for g in a)))
    return 0 if a == b else 1


def main():
    global TAG
    if sys.argv[1].startswith("--tag="):
        TAG = sys.argv.pop(1)[len("--tag="):]
    if sys.argv[1] == "--links":
        return links()
    if sys.argv[1] == "--links-coarser":
        return links(coarser=True)
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
