"""Print test vectors from the linked Python for tests/check_units.

Lines are tab-separated:
  magic   <int>  <minor>
  hash    <hex source bytes>  <hex importlib.util.source_hash>
  path    <optimize> <sys.flags.optimize> <prefix or -> <cwd> <source> <cache path>
The cache path is what py_compile.compile() would write for that level.
"""
import importlib.util
import os
import sys

magic = int.from_bytes(importlib.util.MAGIC_NUMBER[:4], "little")
print("magic\t%d\t%d" % (magic, sys.version_info[1]))

if sys.flags.optimize == 0:
    sources = [b"", b"a", b"\x00", b"\xff" * 7, b"x = 1\n"]
    sources += [bytes((i * 37 + 11) % 256 for i in range(n)) for n in range(1, 65)]
    sources += [bytes((i * 7 + 3) % 256 for i in range(100_003))]
    for s in sources:
        print("hash\t%s\t%s" % (s.hex(), importlib.util.source_hash(s).hex()))

paths = ["a.py", "dir/a.py", "./a.py", "../x/a.py", "a/./b/../c.py", "/abs/x.py",
         "/x.py", "noext", ".hidden", "dir/.hidden", "a.b.c.py", "dir//a.py",
         "d/a.pyw", "with space/a b.py", "deep/er/still/m.py", "x.", "dir/x."]
prefixes = [None, "/tmp/pfx", "rel/pfx", "/tmp/pfx/", "/"]
cwd = os.getcwd()
for prefix in prefixes:
    sys.pycache_prefix = prefix
    for optimize in (-1, 0, 1, 2):
        for p in paths:
            if optimize >= 0:
                cfile = importlib.util.cache_from_source(
                    p, optimization=optimize if optimize >= 1 else "")
            else:
                cfile = importlib.util.cache_from_source(p)
            print("path\t%d\t%d\t%s\t%s\t%s\t%s" % (
                optimize, sys.flags.optimize, prefix or "-", cwd, p, cfile))
