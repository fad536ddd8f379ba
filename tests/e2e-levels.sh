#!/bin/sh
# e2e-levels.sh: several -o levels where level 1 takes level 0's code
# (levels.c, doc/optimize-levels.md).  Every level pycompile-batch writes,
# shared or compiled, must be what py_compile gives at that level: headers
# identical, code equal.  Messages and warnings must be compileall's for
# the same levels in one process (whether a compiler warning comes again
# for a file compiled again depends on the Python: 3.13.5 says it once).
# Cases: sources built to trip a byte rule (assert in names and comments,
# __debug__ spelt in NFKC forms, utf-7 and latin-1 cookies, docstrings, a
# warning), then a third-party tree (the linked Python's site-packages,
# where it has one) against compileall -o 0 -o 1 --hardlink-dupes.
. "$PCB_TESTDIR/lib.sh"
unset SOURCE_DATE_EPOCH PYTHONOPTIMIZE PYTHONPYCACHEPREFIX || true

new_case cases
c=$W/cases/a
printf 'x = 1\ndef f():\n    "doc"\n    return x\n' >"$c/plain.py"
printf 'def f(x):\n    assert x, "m"\n    return x\n' >"$c/asserts.py"
printf 'import unittest\nclass T(unittest.TestCase):\n    def test(self):\n        self.assertEqual(1, 1)  # assertion\n' >"$c/assert_names.py"
printf 'if __debug__:\n    y = 1\n' >"$c/debug.py"
printf 'def f():\n    assert (y := 1)\n    return 0\n' >"$c/walrus.py"
printf 'assert (1, "always true")\n' >"$c/tuple_assert.py"
# __debug__ in fullwidth letters and in mathematical bold: NFKC folds both.
printf 'print(__\357\275\204\357\275\205\357\275\202\357\275\225\357\275\207__)\n' >"$c/fullwidth.py"
printf 'print(__\360\235\220\235\360\235\220\236\360\235\220\233\360\235\220\256\360\235\220\240__)\n' >"$c/bold.py"
# utf-7 spells assert, __debug__ and a docstring in other ASCII bytes.
printf '# coding: utf-7\n+AGE-ssert 1 == 2\n' >"$c/utf7_assert.py"
printf '# coding: utf-7\nprint(+AF8AXw-debug+AF8AXw-)\n' >"$c/utf7_debug.py"
printf '# coding: utf-7\n+ACIAIgAi-doc+ACIAIgAi-\n' >"$c/utf7_doc.py"
printf '# -*- coding: latin-1 -*-\ns = "\351t\351"\n' >"$c/latin1.py"
printf 's = "\303\251t\303\251"  # \342\200\224 no assert here\n' >"$c/utf8.py"
printf '"""Module doc."""\nclass C:\n    "class doc"\ndef g(): "one-line doc"\n' >"$c/docstrings.py"
printf 'import re\nr = re.compile("\\d+")\n' >"$c/warn.py"
(cd "$c" && find . -name '*.py' | LC_ALL=C sort) >"$W/cases/names"
n=$(wc -l <"$W/cases/names")
twin cases $(cat "$W/cases/names")

# py_compile, one level after the other, for the .pyc files; compileall
# -o 0 -o 1 -o 2 in one process on a third copy for the messages.
cp -a "$c" "$W/cases/c"
set +e
rc_a=0
for l in 0 1 2; do
	(cd "$c" && "$PYTHON" "$PCB_TESTDIR/oracle.py" ../list "$l" 2>/dev/null) || rc_a=$?
done
# shellcheck disable=SC2046 # the case names, one word each
(cd "$W/cases/c" && "$PYTHON" -m compileall -q -f -o 0 -o 1 -o 2 $(cat ../names) >/dev/null 2>../err.a)
(cd "$W/cases/b" && "$PCB" -j2 -0 -o 0 -o 1 -o 2 --report=../report.json - <../list 2>../err.b)
rc_b=$?
set -e
check "cases: exit status $rc_b, py_compile $rc_a" [ "$rc_a" = "$rc_b" ]
# compileall's stderr holds only warnings (no case fails): the same lines.
LC_ALL=C sort "$W/cases/err.a" >"$W/cases/err.a.s"
LC_ALL=C sort "$W/cases/err.b" >"$W/cases/err.b.s"
if cmp -s "$W/cases/err.a.s" "$W/cases/err.b.s"; then
	ok "cases: the same warnings as compileall's ($(wc -l <"$W/cases/err.a.s") lines)"
else
	not_ok "cases: messages differ"
	diff "$W/cases/err.a.s" "$W/cases/err.b.s" | head -20 | note
fi
same_pyc cases "$W/cases/cmp" "$W/cases/a" "$W/cases/b"
grep '^code-equal' "$W/cases/cmp" | note || true
shared=$("$PYTHON" -c 'import json, sys; print(json.load(open(sys.argv[1]))["totals"]["levels_shared"])' "$W/cases/report.json")
check "cases: some levels were shared, not all ($shared of $n files)" [ "$shared" -gt 0 ] && [ "$shared" -lt "$n" ]

# Sharing changes no byte: the same run compiling every level.
cp -a "$W/cases/a" "$W/cases/every"
find "$W/cases/every" -name __pycache__ -prune -exec rm -rf {} +
(cd "$W/cases/every" && "$PCB" -q -j1 -0 -o 0 -o 1 -o 2 --compile-every-level --report=../every.json - <../list) || true
(cd "$W/cases/b" && find . -name __pycache__ -prune -exec rm -rf {} + &&
    "$PCB" -q -j1 -0 -o 0 -o 1 -o 2 - <../list) || true
every=$("$PYTHON" -c 'import json, sys; print(json.load(open(sys.argv[1]))["totals"]["levels_shared"])' "$W/cases/every.json")
check "--compile-every-level shares nothing ($every)" [ "$every" = 0 ]
"$PYTHON" "$PCB_TESTDIR/compare.py" "$W/cases/b" "$W/cases/every" >"$W/cases/cmp2" 2>&1 || true
summary=$(tail -1 "$W/cases/cmp2")
files=$(echo "$summary" | sed -E 's/^files ([0-9]+),.*/\1/')
check "shared and compiled levels byte-identical at -j1: $summary" \
    grep -qE "^files $files, header-identical $files, byte-identical $files," "$W/cases/cmp2"

# A third-party tree: the linked Python's site-packages (pip, where it is
# installed), against compileall with Fedora's flags; at most about 1,000
# of its files (every Nth), which keeps a large one (pyenv 3.11.7's has
# 9,869: minutes of serial compileall) within CI's time.
site=$("$PYTHON" -c 'import sysconfig; print(sysconfig.get_path("purelib"))')
nsite=$(find "$site" -name '*.py' 2>/dev/null | wc -l)
if [ "$nsite" -ge 200 ]; then
	mkdir -p "$W/site/a/tree"
	k=$(((nsite + 999) / 1000))
	(cd "$site" && find . -name '*.py' ! -path '*/__pycache__/*' | LC_ALL=C sort |
	    awk -v k="$k" 'NR % k == 0' >"$W/site/files")
	(cd "$site" && tar cf - -T "$W/site/files") | (cd "$W/site/a/tree" && tar xf -)
	nsite=$(wc -l <"$W/site/files")
	cp -a "$W/site/a" "$W/site/b"
	set +e
	(cd "$W/site/a" && "$PYTHON" -m compileall -q -f -o 0 -o 1 --hardlink-dupes tree >../out.a 2>&1)
	rc_a=$?
	(cd "$W/site/b" && "$PCB" -q -j2 -o 0 -o 1 --hardlink-dupes --report=../report.json tree >../out.b 2>&1)
	rc_b=$?
	set -e
	check "site-packages ($nsite files): exit status $rc_b, compileall $rc_a" [ "$rc_a" = "$rc_b" ]
	same_pyc site-packages "$W/site/cmp" "$W/site/a" "$W/site/b"
	same_pyc site-packages "$W/site/links" "$W/site/a" "$W/site/b" --links-coarser
	"$PYTHON" -c 'import json, sys; t = json.load(open(sys.argv[1]))["totals"]; print("levels shared: %d of %d files" % (t["levels_shared"], t["compiled"]))' "$W/site/report.json" | note
else
	echo "# site-packages has $nsite .py files (under 200): no third-party tree here"
fi
