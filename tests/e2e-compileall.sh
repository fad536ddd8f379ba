#!/bin/sh
# e2e-compileall.sh: directory arguments, -x, -d/-s/-p, several -o and
# --hardlink-dupes against "python -m compileall -q -f" with the same flags,
# on a copy of part of the linked Python's stdlib (every 5th directory and
# every deliberately broken file; about 350 files in all).
# Compared: exit status, the .pyc files
# (headers identical, code equal: co_filename carries the stored name), the
# hard-link groups, and the error messages with compileall's own
# "*** Error compiling '...'..." lines and blank lines left out (the rest is
# py_compile's message text, the same words in both).  Compiler warnings
# (SyntaxWarning and its source line) go to compileall's stderr, unordered
# with its stdout, so they are compared apart, as sorted lines (which also
# hides a known 3.11-only fault: with -j2 on one shared interpreter the
# captured warning lines can come out of order).
. "$PCB_TESTDIR/lib.sh"
unset SOURCE_DATE_EPOCH PYTHONOPTIMIZE PYTHONPYCACHEPREFIX || true

stdlib=$("$PYTHON" -c 'import sysconfig; print(sysconfig.get_path("stdlib"))')
(cd "$stdlib" && find . -path ./site-packages -prune -o -type d \
    ! -name __pycache__ -print | LC_ALL=C sort | awk 'NR % 5 == 0') >"$W/dirs"
mkdir -p "$W/src"
(cd "$stdlib" && {
	while IFS= read -r d; do
		find "$d" -maxdepth 1 -type f -name '*.py'
	done <"$W/dirs"
	find . -path ./site-packages -prune -o -type f -name '*.py' -print |
	    grep -E 'bad|tokenizedata'
} | LC_ALL=C sort -u | tar cf - -T -) | (cd "$W/src" && tar xf -)
# About 350 files in all, as many as 3.13.0's every 5th directory gives
# (each vs below compiles them up to three times on each side; 3.9's took
# 1,045 files and Debian's 3.14 576, about two minutes each).  A stdlib
# packaged without its test suite (Debian's) has few directories, and a test
# suite may be in few of them (pyenv's 3.9 to 3.12): under 300 files, every
# Kth file of the whole stdlib as well.  Over 450, every Kth of them only
# (and every broken one).
n=$(find "$W/src" -name '*.py' | wc -l)
if [ "$n" -lt 300 ]; then
	(cd "$stdlib" && find . -path ./site-packages -prune -o -type f -name '*.py' -print |
	    LC_ALL=C sort >"$W/every")
	k=$(($(wc -l <"$W/every") / (350 - n)))
	[ "$k" -ge 2 ] || k=2
	(cd "$stdlib" && awk -v k="$k" 'NR % k == 0' "$W/every" | tar cf - -T -) | (cd "$W/src" && tar xf -)
elif [ "$n" -gt 450 ]; then
	(cd "$W/src" && find . -name '*.py' -print0 | LC_ALL=C sort -z |
	    awk -v RS='\0' -v ORS='\0' -v k=$(((n + 175) / 350)) \
	    'NR % k != 0 && !/bad|tokenizedata/' | xargs -0r rm -f)
fi
# With PCB_STDLIB_SAMPLE=N (CI's samples), every Nth of those files only,
# and every broken one, as copy_stdlib samples.
if [ "${PCB_STDLIB_SAMPLE:-1}" -gt 1 ]; then
	(cd "$W/src" && find . -name '*.py' -print0 | LC_ALL=C sort -z |
	    awk -v RS='\0' -v ORS='\0' -v n="$PCB_STDLIB_SAMPLE" \
	    'NR % n != 0 && !/bad|tokenizedata/' | xargs -0r rm -f)
fi
# Broken files of our own, for Pythons packaged without their test suite.
mkdir -p "$W/src/zz_broken"
printf 'x = (\n' >"$W/src/zz_broken/unclosed.py"
printf '# -*- coding: nonesuch -*-\nx = 1\n' >"$W/src/zz_broken/cookie.py"
printf 'def f():\n\treturn 1\n        return 2\n' >"$W/src/zz_broken/tabs.py"
total=$(find "$W/src" -name '*.py' | wc -l)
check "stdlib subset has files ($total)" [ "$total" -gt $((200 / ${PCB_STDLIB_SAMPLE:-1})) ]

# vs NAME ARG...: compileall -q -f ARGS in NAME/a, pycompile-batch ARGS in
# NAME/b, both on a fresh copy of the subset at ./src (its directories made
# anew, its sources hard links: neither side writes a source).
vs() {
	name=$1; shift
	d=$W/$name
	mkdir -p "$d/a" "$d/b"
	cp -al "$W/src" "$d/a/src"
	cp -al "$W/src" "$d/b/src"
	set +e
	(cd "$d/a" && "$PYTHON" -m compileall -q -f "$@" >../out.a 2>../err.a)
	rc_a=$?
	(cd "$d/b" && "$PCB" -j2 "$@" >../out.b 2>../err.b)
	rc_b=$?
	set -e
	check "$name: exit status $rc_b, compileall $rc_a" [ "$rc_a" = "$rc_b" ]
	grep -v -e "^\*\*\* Error compiling '" -e '^$' "$d/out.a" >"$d/msg.a" || true
	# compileall's stderr holds only warnings; take their lines out of ours.
	grep -v -e '^$' "$d/err.a" | LC_ALL=C sort >"$d/warn.a" || true
	grep -v -e '^$' "$d/err.b" | grep -vxF -f "$d/warn.a" >"$d/msg.b" || true
	[ -s "$d/warn.a" ] || cp "$d/err.b" "$d/msg.b"
	grep -v -e '^$' "$d/err.b" | LC_ALL=C sort >"$d/all.b" || true
	LC_ALL=C sort "$d/msg.a" | LC_ALL=C comm -23 "$d/all.b" - >"$d/warn.b"
	check "$name: same compiler warning lines ($(wc -l <"$d/warn.a"))" cmp -s "$d/warn.a" "$d/warn.b"
	if cmp -s "$d/msg.a" "$d/msg.b"; then
		ok "$name: messages match ($(wc -l <"$d/msg.a") lines)"
	else
		not_ok "$name: messages differ"
		diff "$d/msg.a" "$d/msg.b" | head -20 | note
	fi
	same_pyc "$name" "$d/cmp" "$d/a" "$d/b"
	# A level that took the level below's code is linked where compileall's
	# second compile can differ in marshal reference flags alone (3.12.1's
	# ftplib): B's groups may be coarser, never finer.
	same_pyc "$name" "$d/links" "$d/a" "$d/b" --links-coarser
	grep '^merged' "$d/links" | note || true
	rm -rf "$d"
}

vs dir src
vs ddir -d /usr/lib/pythonX src
vs strip-prepend -s src -p /usr/lib/pythonX src
vs prepend-only -p /opt src
vs levels -o 0 -o 1 -o 2 src
vs hardlink -o 0 -o 1 -o 2 --hardlink-dupes src
vs hardlink-hash -o 1 -o 2 --hardlink-dupes --invalidation-mode=checked-hash src
vs exclude -x '(test_[a-m]|/json/)' src
# -x is matched as re.search on the decoded path: a table of patterns in
# Python's syntax over a tree with non-ASCII names and a newline in one; each
# must pick the same files as compileall.
mkdir -p "$W/rx/t/json" "$W/rx/t/sub/deep"
for n in "$(printf 'caf\303\251.py')" "$(printf 'x\ny.py')" test_a.py Z9.py \
    "$(printf '\346\227\245\346\234\254.py')" json/m.py sub/deep/test_b.py sub/a1.py; do
	printf 'x = 1\n' >"$W/rx/t/$n"
done
nrx=0 badrx=
for p in '(?i)z\d' 'caf.\.py' 'x.y' '(?s)x.y' '\w{2}\.py$' '^t/[^/]+\.py$' \
    '(?<=/)json/' '(?<!sub/)test_' '\btest' '(?P<d>\d)' '[\u00e0-\u00ff]' \
    '\d' '[^\x00-\x7f]' 'sub/(?:deep/)?' '\s' '\W\w' '\U000065e5' 'py\Z' \
    '\\u0061'; do
	rm -rf "$W/rx/a" "$W/rx/b"
	cp -a "$W/rx/t" "$W/rx/a" && cp -a "$W/rx/t" "$W/rx/b"
	(cd "$W/rx" && "$PYTHON" -m compileall -q -f -x "$p" a >/dev/null 2>&1) || true
	(cd "$W/rx" && "$PCB" -q -x "$p" b) || true
	if [ "$(listing "$W/rx/a")" != "$(listing "$W/rx/b")" ]; then
		badrx="$badrx $p"
	fi
	nrx=$((nrx + 1))
done
check "-x: $nrx patterns pick what compileall picks${badrx:+ (not:$badrx)}" [ -z "$badrx" ]
first=$(cd "$W" && find src -name '*.py' | LC_ALL=C sort | head -1)
big=$(cd "$W" && find src -name '*.py' | sed 's|/[^/]*$||' | LC_ALL=C sort |
    uniq -c | sort -rn | awk 'NR == 1 {print $2}')
vs mixed -d /dest "$first" src/zz_broken "$big"

# usage NAME ARG...: both refuse with exit 2, and compileall's error line
# ("compileall.py: error: WORDS") has our words.
usage() {
	name=$1; shift
	set +e
	(cd "$W" && "$PYTHON" -m compileall -q "$@" >/dev/null 2>"$W/u.a")
	rc_a=$?
	(cd "$W" && "$PCB" "$@" >/dev/null 2>"$W/u.b")
	rc_b=$?
	set -e
	check "$name: exit status $rc_b, compileall $rc_a" [ "$rc_a$rc_b" = 22 ]
	words=$(sed -n 's/^pycompile-batch: //p' "$W/u.b")
	check "$name: compileall says it too ($words)" grep -qF "error: $words" "$W/u.a"
}
usage usage-d-s -d /x -s src src
usage usage-hardlink-one-level --hardlink-dupes -o 1 src
usage usage-hardlink-no-level --hardlink-dupes src

# The stored name is what a traceback shows: co_filename of the module.
mkdir -p "$W/name/pkg"
printf 'x = 1\n' >"$W/name/pkg/m.py"
(cd "$W/name" && "$PCB" -q -s pkg -p /srv/app pkg)
got=$("$PYTHON" -c 'import marshal, sys; print(marshal.loads(open(sys.argv[1], "rb").read()[16:]).co_filename)' \
    "$(cd "$W/name" && cache_of pkg/m.py | sed "s|^|$W/name/|")")
check "-s pkg -p /srv/app stores /srv/app/m.py ($got)" [ "$got" = /srv/app/m.py ]

# Walk rules compileall also has: no __pycache__, no symlinked directory,
# hidden names kept, names sorted bytewise.
mkdir -p "$W/walk/t/__pycache__" "$W/walk/t/.hidden" "$W/walk/t/real" "$W/walk/t/B"
for f in __pycache__/x.py .hidden/h.py real/r.py B/b.py a.py Z.py notpy.txt; do
	printf 'x = 1\n' >"$W/walk/t/$f"
done
ln -s real "$W/walk/t/link"
ln -s ../t "$W/walk/t/real/loop"
(cd "$W/walk" && "$PCB" -v t >out 2>err) || true
grep "^Compiling" "$W/walk/out" >"$W/walk/got" || true
printf "Compiling '%s'...\n" t/.hidden/h.py t/B/b.py t/Z.py t/a.py t/real/r.py >"$W/walk/want"
if cmp -s "$W/walk/want" "$W/walk/got"; then
	ok "walk: order and rules as compileall's ($(wc -l <"$W/walk/got") files)"
else
	not_ok "walk: order or rules differ"
	diff "$W/walk/want" "$W/walk/got" | note
fi
(cd "$W/walk" && "$PYTHON" -m compileall -f t) >"$W/walk/ca" 2>&1 || true
grep "^Compiling" "$W/walk/ca" >"$W/walk/ca.got" || true
check "walk: compileall itself gives that list" cmp -s "$W/walk/want" "$W/walk/ca.got"
