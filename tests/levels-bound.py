"""levels-bound.py: how much -o 0 -o 1 can gain by sharing level 1 at all.

usage: python3 tests/levels-bound.py DIR...

For each tree, compiles every .py file that compiles once at level 0 in
this process (CPU time, warnings off) and adds up the time of the files
whose bytes contain `assert` or `__debug__`: the files no sound sharing
rule can spare a level-1 compile (doc/optimize-levels.md, section 6).  A
perfect rule then costs (all + those) of the two levels' (2 x all): the
best speed-up sharing can give over compiling every level.  Then, on those
files, whether parsing once (ast) and compiling the tree at both levels
beats two compiles from source.  Never a pass/fail test.
"""
import ast
import glob
import re
import sys
import time
import warnings

warnings.simplefilter("ignore")
pattern = re.compile(rb"\bassert\b|__debug__")
for root in sys.argv[1:]:
    total = held = 0.0
    n = 0
    unshared = []
    for path in sorted(glob.glob(root + "/**/*.py", recursive=True)):
        try:
            src = open(path, "rb").read()
            t0 = time.process_time()
            compile(src, path, "exec", dont_inherit=True)
            dt = time.process_time() - t0
        except Exception:
            continue
        n += 1
        total += dt
        if pattern.search(src):
            held += dt
            unshared.append((path, src))
    t0 = time.process_time()
    for path, src in unshared:
        for level in (0, 1):
            compile(src, path, "exec", dont_inherit=True, optimize=level)
    two = time.process_time() - t0
    t0 = time.process_time()
    for path, src in unshared:
        tree = compile(src, path, "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
        for level in (0, 1):
            compile(tree, path, "exec", dont_inherit=True, optimize=level)
    once = time.process_time() - t0
    print("%s: %d files, %.2f s at level 0; %d with assert or __debug__ hold "
          "%.2f s (%.0f%%): a perfect rule costs %.2f of two levels, at most "
          "%.2fx faster than compiling both; on those files two compiles "
          "%.2f s, one parse and two AST compiles %.2f s" % (
              root, n, total, len(unshared), held, 100 * held / total,
              (total + held) / (2 * total), 2 * total / (total + held),
              two, once))
