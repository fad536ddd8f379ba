#!/bin/sh
# e2e-compileall-cli.sh: "pycompile-batch --compileall ARGS", compileall's
# command line and output, against "python -m compileall ARGS":
#   1. CPython's own command-line tests of compileall (the linked Python's
#      Lib/test/test_compileall.py, run by tests/cpython_compileall.py with
#      pycompile-batch in its place), one TAP line per test;
#   2. a small tree of every kind of entry (broken and warning sources,
#      other files, dangling and outside symlinks, a FIFO, a directory named
#      *.py, targets that cannot be written) under each option compileall
#      has: standard output, standard error and exit status identical, the
#      same .pyc files (compare.py) and nothing else written;
#   3. Fedora's brp-python-bytecompile flag set on a sample of the stdlib.
. "$PCB_TESTDIR/lib.sh"
unset SOURCE_DATE_EPOCH PYTHONOPTIMIZE PYTHONPYCACHEPREFIX PYTHONSAFEPATH || true

# 1. CPython's tests.  A Python packaged without its test suite (Debian's
# libpython3.X-testsuite not installed) skips them, saying so.  Under
# PCB_STDLIB_SAMPLE (CI's sampled runs) only the class run without
# SOURCE_DATE_EPOCH: the other is the same tests again with it set.
one=
[ "${PCB_STDLIB_SAMPLE:-1}" -le 1 ] || one=--one-class
"$PYTHON" "$PCB_TESTDIR/cpython_compileall.py" "$PCB" $one >"$W/cpython" 2>&1
rc=$?
npass=0 nfail=0
while IFS= read -r line; do
	case $line in
	"PASS "*)
		npass=$((npass + 1))
		ok "CPython test_compileall: ${line#PASS test.test_compileall.}" ;;
	"FAIL "*)
		nfail=$((nfail + 1))
		not_ok "CPython test_compileall: ${line#FAIL test.test_compileall.}" ;;
	"SKIP "*)
		tap_n=$((tap_n + 1))
		echo "ok $tap_n - CPython test_compileall: ${line#SKIP } # SKIP" ;;
	*) echo "# $line" ;;
	esac
done <"$W/cpython"
if grep -q '^SKIP all:' "$W/cpython"; then
	:
else
	check "CPython test_compileall: the run ended (exit $rc) with tests run ($npass passed, $nfail failed)" \
	    [ "$rc" = 0 ] && [ "$npass" -ge 15 ]
fi

# 2. The tree: t/ with everything compileall meets, built once, copied with
# its times for each side (timestamp .pyc files then compare byte for byte).
T=$W/tree/t
mkdir -p "$T/pkg/sub/deeper" "$T/pkg/dir.py" "$T/allowed" "$T/links" \
    "$T/oserr" "$T/sym/__pycache__"
printf 'x = 1\n' >"$T/pkg/a.py"
printf 'bad(syntax\n' >"$T/pkg/b.py"
printf 'def f():\n    return "\\d"\n' >"$T/pkg/w.py"
printf '# -*- coding: nonesuch -*-\nx = 1\n' >"$T/pkg/cookie.py"
printf 'hello\n' >"$T/pkg/README"
printf 'y = 2\n' >"$T/pkg/sub/c.py"
printf 'z = 3\n' >"$T/pkg/sub/deeper/d.py"
printf 'q = 4\n' >"$T/pkg/dir.py/e.py"
ln -s /nonexistent "$T/pkg/dangling.py"
mkfifo "$T/pkg/fifo.py"
printf 'ok = 1\n' >"$T/allowed/inside.py"
printf 'out = 1\n' >"$T/pkg/outside.py"
ln -s ../allowed/inside.py "$T/links/inside.py"
ln -s ../pkg/outside.py "$T/links/outside.py"
# A __pycache__ that is a file: the write fails (NotADirectoryError).
printf 'x = 1\n' >"$T/oserr/m.py"
: >"$T/oserr/__pycache__"
# A target that is a symlink: py_compile's FileExistsError.
printf 'x = 1\n' >"$T/sym/m.py"
ln -s elsewhere "$T/sym/__pycache__/$(basename "$(cache_of "$T/sym/m.py")")"
printf 'pkg/a.py\n  pkg/sub  \n\nnosuch.py\r\n' >"$W/tree/list"

# ca NAME [--twice] [--sorted] ARG...: compileall ARGS in NAME/a/t, ours in
# NAME/b/t (--twice: each run twice, the second one compared; --sorted:
# standard output compared as sorted lines, for compileall's -j, whose
# worker processes print in the order they happen to finish, sometimes two
# lines glued into one, which are split again).
ca() {
	name=$1; shift
	twice=
	sorted=
	[ "$1" != --twice ] || { twice=1; shift; }
	[ "$1" != --sorted ] || { sorted=1; shift; }
	d=$W/$name
	mkdir -p "$d/a" "$d/b"
	cp -a "$T" "$d/a/t" && cp -a "$T" "$d/b/t"
	set +e
	if [ -n "$twice" ]; then
		(cd "$d/a/t" && "$PYTHON" -m compileall "$@" </dev/null >/dev/null 2>&1)
		(cd "$d/b/t" && "$PCB" --compileall "$@" </dev/null >/dev/null 2>&1)
		# An older .pyc would be as fresh: the check is the mtime alone.
	fi
	(cd "$d/a/t" && "$PYTHON" -m compileall "$@" <"$W/tree/list" >../out 2>../err)
	rc_a=$?
	(cd "$d/b/t" && "$PCB" --compileall "$@" <"$W/tree/list" >../out 2>../err)
	rc_b=$?
	set -e
	check "$name: exit status $rc_b, compileall $rc_a" [ "$rc_a" = "$rc_b" ]
	for s in out err; do
		norm_tmp <"$d/a/$s" >"$d/a/$s.n"
		norm_tmp <"$d/b/$s" >"$d/b/$s.n"
		if [ -n "$sorted" ]; then
			for side in a b; do
				sed 's/\.\.\./...\n/g' "$d/$side/$s.n" | grep -v '^$' |
				    LC_ALL=C sort >"$d/$side/$s.s" || true
				mv "$d/$side/$s.s" "$d/$side/$s.n"
			done
		fi
		if cmp -s "$d/a/$s.n" "$d/b/$s.n"; then
			ok "$name: std$s identical ($(wc -l <"$d/a/$s.n") lines)"
		else
			not_ok "$name: std$s differs"
			diff "$d/a/$s.n" "$d/b/$s.n" | head -20 | note
		fi
	done
	same_pyc "$name" "$d/cmp" "$d/a/t" "$d/b/t"
	same_pyc "$name" "$d/links" "$d/a/t" "$d/b/t" --links
	same_listing "$name" "$d/a/t" "$d/b/t"
	rm -rf "$d"
}

ca default pkg oserr sym
ca quiet -q pkg oserr sym
ca silent -qq pkg oserr sym
ca no-recursion -l pkg
ca recursion-1 -r 1 -l pkg
ca force-again --twice -f pkg
ca up-to-date --twice pkg
ca up-to-date-hash --twice --invalidation-mode=checked-hash pkg
ca legacy -b pkg
ca ddir -d /ddd pkg
ca strip-prepend -s pkg -p /usr/lib/x pkg/sub pkg/a.py
ca strip-mismatch -s /elsewhere pkg/sub
ca exclude -x 'w\.py|sub/' pkg
ca limit -e allowed links
ca list-file -i ../../tree/list pkg/w.py
ca list-stdin -i -
ca list-missing -i nosuch pkg
ca levels -o 0 -o 1 -o 2 --hardlink-dupes pkg
ca workers --sorted -j 0 pkg
ca one-worker -j 1 pkg
ca files-and-missing pkg/a.py pkg/README nosuch pkg/b.py
# A file reached twice is compiled once: the second look finds the .pyc.
# (compileall -j1: its -j2 workers race on such a file and print it twice
# or once; ours are in input order whatever -j.)
ca twice-reached -j 1 pkg pkg/sub pkg/a.py pkg/sub/c.py pkg/sub/c.py

# Usage errors: both exit 2.
for args in "--hardlink-dupes pkg" "-d x -s y pkg" "-r" "-o 9 pkg" "--nonesuch pkg"; do
	set +e
	# shellcheck disable=SC2086
	(cd "$T" && "$PYTHON" -m compileall $args >/dev/null 2>&1)
	rc_a=$?
	# shellcheck disable=SC2086
	(cd "$T" && "$PCB" --compileall $args >/dev/null 2>"$W/u.err")
	rc_b=$?
	set -e
	# compileall takes -o 9 and fails compiling (ValueError): 1, not 2.
	[ "$args" != "-o 9 pkg" ] || rc_a=2
	check "usage '$args': exit status $rc_b, compileall $rc_a, one line" \
	    [ "$rc_a$rc_b" = 22 ] && [ "$(wc -l <"$W/u.err")" = 1 ]
done
check "usage: nothing written" [ -z "$(find "$T" -type f -name '*.pyc')" ]

# 3. Fedora's brp-python-bytecompile (and %py_byte_compile) flag set, on a
# stdlib sample (every 8th file and every broken one; PCB_STDLIB_SAMPLE
# thins it further): -q, not -f, levels 0 and 1 linked where identical,
# the buildroot stripped.
copy_stdlib "$W/fedora/src"
(cd "$W/fedora/src" && find . -name '*.py' -print0 | LC_ALL=C sort -z | every 8 keep-broken) >"$W/fedora/keep"
(cd "$W/fedora/src" && find . -name '*.py' -print0 | LC_ALL=C sort -z |
    LC_ALL=C comm -z -23 - "$W/fedora/keep" | xargs -0r rm -f)
mkdir -p "$W/fedora/a" "$W/fedora/b"
cp -a "$W/fedora/src" "$W/fedora/a/root" && cp -a "$W/fedora/src" "$W/fedora/b/root"
set +e
(cd "$W/fedora/a" && "$PYTHON" -m compileall -q -s "$W/fedora/a/root" -p / -o 0 -o 1 --hardlink-dupes \
    --invalidation-mode=unchecked-hash "$W/fedora/a/root" >out 2>err)
rc_a=$?
(cd "$W/fedora/b" && "$PCB" --compileall -q -s "$W/fedora/b/root" -p / -o 0 -o 1 --hardlink-dupes \
    --invalidation-mode=unchecked-hash "$W/fedora/b/root" >out 2>err)
rc_b=$?
set -e
n=$(find "$W/fedora/a/root" -name '*.pyc' | wc -l)
check "fedora: exit status $rc_b, compileall $rc_a ($n .pyc files)" [ "$rc_a" = "$rc_b" ] && [ "$n" -gt 20 ]
sed "s|$W/fedora/a/|X/|g" "$W/fedora/a/out" >"$W/fedora/out.a"
sed "s|$W/fedora/b/|X/|g" "$W/fedora/b/out" >"$W/fedora/out.b"
if cmp -s "$W/fedora/out.a" "$W/fedora/out.b"; then
	ok "fedora: stdout identical ($(wc -l <"$W/fedora/out.a") lines)"
else
	not_ok "fedora: stdout differs"
	diff "$W/fedora/out.a" "$W/fedora/out.b" | head -20 | note
fi
LC_ALL=C sort "$W/fedora/a/err" >"$W/fedora/err.a"
LC_ALL=C sort "$W/fedora/b/err" >"$W/fedora/err.b"
check "fedora: the same warning lines on stderr ($(wc -l <"$W/fedora/err.a"))" cmp -s "$W/fedora/err.a" "$W/fedora/err.b"
same_pyc fedora "$W/fedora/cmp" "$W/fedora/a/root" "$W/fedora/b/root"
same_pyc fedora "$W/fedora/links" "$W/fedora/a/root" "$W/fedora/b/root" --links-coarser
