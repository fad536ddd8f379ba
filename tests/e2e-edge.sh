#!/bin/sh
# e2e-edge.sh: one case per edge of py_compile's behaviour, each compared
# with py_compile.compile() on an identical copy of the same files.
. "$PCB_TESTDIR/lib.sh"
unset SOURCE_DATE_EPOCH PYTHONOPTIMIZE PYTHONPYCACHEPREFIX || true

new_case missing
printf 'x = 1\n' >"$W/missing/a/good.py"
twin missing gone.py good.py nodir/gone.py
run_pair missing -j2

# OS errors are worded in C: the name must be Python's repr() of it, with
# str.isprintable()'s escapes (U+200B, U+2028, U+00A0, U+00AD, U+E000 and an
# unassigned one escaped; an accent, a combining mark and an emoji not).
new_case missing-unicode
printf 'x = 1\n' >"$W/missing-unicode/a/good.py"
twin missing-unicode "$(printf 'zw\342\200\213.py')" "$(printf 'ls\342\200\250.py')" \
    "$(printf 'nb\302\240sh\302\255.py')" "$(printf 'pu\356\200\200.py')" \
    "$(printf 'un\360\257\277\277.py')" "$(printf 'caf\303\251e\314\201\360\237\220\215.py')" \
    "$(printf "it's.py")" good.py
run_pair missing-unicode -j2

new_case syntax-then-good
printf 'def f(:\n    pass\n' >"$W/syntax-then-good/a/bad.py"
printf 'if 1:\nx = 1\n' >"$W/syntax-then-good/a/indent.py"
printf 'y = 2\n' >"$W/syntax-then-good/a/good.py"
twin syntax-then-good bad.py good.py indent.py
run_pair syntax-then-good -j2

new_case encodings
a=$W/encodings/a
printf '# -*- coding: no-such-codec -*-\nx = 1\n' >"$a/cookie.py"
printf '# coding=utf-8\n# coding=latin-1\nx = 1\n' >"$a/two-cookies.py"
printf 'x = "\377\376"\n' >"$a/bad-utf8.py"
printf 'x = 1\000\n' >"$a/nul.py"
printf '\357\273\277x = "caf\303\251"\r\ny = 2\r\n' >"$a/bom-crlf.py"
printf '\357\273\277# coding: latin-1\nx = 1\n' >"$a/bom-latin1.py"
printf '# coding: latin-1\nx = "caf\351"\n' >"$a/latin1.py"
: >"$a/empty.py"
twin encodings cookie.py two-cookies.py bad-utf8.py nul.py bom-crlf.py \
    bom-latin1.py latin1.py empty.py
run_pair encodings -j2

new_case targets
a=$W/targets/a
for f in link.py dir.py fifo.py pcfile/m.py ok.py; do
	mkdir -p "$a/$(dirname "$f")"
	printf 'x = 1\n' >"$a/$f"
done
(cd "$a" && mkdir -p __pycache__ &&
    ln -s /nonexistent "$(cache_of link.py)" &&
    mkdir "$(cache_of dir.py)" &&
    mkfifo "$(cache_of fifo.py)" &&
    : >pcfile/__pycache__)
twin targets link.py dir.py fifo.py pcfile/m.py ok.py
run_pair targets -j2
check "targets: a symlinked target is left a symlink" \
    [ -L "$W/targets/b/$(cd "$W/targets/b" && cache_of link.py)" ]

new_case modes
a=$W/modes/a
for m in 640 444 600 755; do printf 'x = %s\n' "$m" >"$a/m$m.py"; chmod "$m" "$a/m$m.py"; done
twin modes m640.py m444.py m600.py m755.py
old_umask=$(umask)
umask 022
run_pair modes -j2
umask 077
rm -rf "$W/modes/a/__pycache__" "$W/modes/b/__pycache__"
run_pair modes -j1
umask "$old_umask"

new_case mtime
a=$W/mtime/a
printf 'x = 1\n' >"$a/nines.py"
printf 'x = 2\n' >"$a/half.py"
printf 'x = 3\n' >"$a/old.py"
printf 'x = 4\n' >"$a/future.py"
touch -d '@1700000000.999999999' "$a/nines.py"
touch -d '@1700000000.5' "$a/half.py"
touch -d '@1' "$a/old.py"
touch -d '@4400000000.25' "$a/future.py"
twin mtime nines.py half.py old.py future.py
run_pair mtime -j2
check "mtime: .999999999 s is stored as the next second, as CPython rounds" \
    "$PYTHON" -c 'import sys; d = open(sys.argv[1], "rb").read(); sys.exit(int.from_bytes(d[8:12], "little") != 1700000001)' \
    "$W/mtime/b/$(cd "$W/mtime/b" && cache_of nines.py)"

new_case names
a=$W/names/a
mkdir -p "$a/with space" "$a/sub/dir" "$a/x"
printf 'x = 1\n' >"$a/with space/a b.py"
printf 'x = 2\n' >"$a/sub/dir/m.py"
printf 'x = 3\n' >"$a/.hidden"
printf 'x = 4\n' >"$a/noext"
printf 'x = 5\n' >"$a/x/many.dots.py"
twin names "with space/a b.py" ./sub/dir/m.py ./x/../x/many.dots.py \
    .hidden noext
run_pair names -j2

# Non-ASCII names are decoded as the python3 command decodes them in the
# same environment: co_filename 'café.py', not 'caf\udcc3\udca9.py', in the
# code and in the messages, under a UTF-8 locale and under LC_ALL=C (which
# Python takes as UTF-8 too).
u1=$(printf 'caf\303\251.py') u2=$(printf 'ok_\303\251.py') u3=$(printf '\346\227\245\346\234\254.py')
for loc in C.UTF-8 C; do
	new_case "utf8-names-$loc"
	printf 'x = (\n' >"$W/utf8-names-$loc/a/$u1"
	printf 'y = 1\n' >"$W/utf8-names-$loc/a/$u2"
	printf 'def f():\n    return 1\n' >"$W/utf8-names-$loc/a/$u3"
	twin "utf8-names-$loc" "$u1" "$u2" "$u3"
	export LC_ALL=$loc
	run_pair "utf8-names-$loc" -j2
	unset LC_ALL
done

# A working directory deeper than PATH_MAX, with PYTHONPYCACHEPREFIX: its
# name is found as Python's os.getcwd() finds it, so the .pyc path is too
# long and the file fails with py_compile's message, leaving the same
# directories under the prefix (the .pyc once landed at the prefix root).
seg=$(printf 'd%.0s' $(seq 200))
printf 'm.py\0' >"$W/deepcwd.list"
set +e
(
	mkdir -p "$W/deepcwd" && cd "$W/deepcwd" || exit 99
	for i in $(seq 22); do mkdir "$seg" && cd "$seg" || exit 99; done
	printf 'x = 1\n' >m.py
	PYTHONPYCACHEPREFIX="$W/pfx-a" "$PYTHON" "$PCB_TESTDIR/oracle.py" "$W/deepcwd.list" 2>"$W/deepcwd.err.a"
	echo $? >"$W/deepcwd.rc.a"
	PYTHONPYCACHEPREFIX="$W/pfx-b" "$PCB" -0 - <"$W/deepcwd.list" 2>"$W/deepcwd.err.b"
	echo $? >"$W/deepcwd.rc.b"
)
set -e
sed "s|$W/pfx-a|PFX|g" "$W/deepcwd.err.a" >"$W/deepcwd.msg.a"
sed "s|$W/pfx-b|PFX|g" "$W/deepcwd.err.b" >"$W/deepcwd.msg.b"
check "cwd deeper than PATH_MAX, a prefix: exit $(cat "$W/deepcwd.rc.b"), py_compile $(cat "$W/deepcwd.rc.a"); same message; same tree under the prefix" \
    sh -c 'cmp -s "$1.rc.a" "$1.rc.b" && cmp -s "$1.msg.a" "$1.msg.b" && [ -s "$1.msg.a" ] &&
        [ "$(cd "$2-a" 2>/dev/null && find . | wc -l)" = "$(cd "$2-b" 2>/dev/null && find . | wc -l)" ] &&
        [ -z "$(find "$2-b" -maxdepth 1 -name "*.pyc")" ]' - "$W/deepcwd" "$W/pfx"

# One source named three ways: three targets' worth of work for one .pyc.
# py_compile keeps the last (its co_filename).  That is only defined at -j1
# today: at -j2 the last rename wins (known limit, see README).
new_case same-file
mkdir -p "$W/same-file/a/sub/dir"
printf 'x = 2\n' >"$W/same-file/a/sub/dir/m.py"
twin same-file ./sub/dir/m.py sub/../sub/dir/m.py sub/./dir/m.py
run_pair same-file -j1

new_case sde
a=$W/sde/a
printf 'x = 1\n' >"$a/one.py"
printf 'def f(:\n' >"$a/two.py"
twin sde one.py two.py
export SOURCE_DATE_EPOCH=1700000000
run_pair sde -j2
check "sde: SOURCE_DATE_EPOCH gives checked-hash .pyc files (flags 3)" \
    "$PYTHON" -c 'import sys; sys.exit(open(sys.argv[1], "rb").read()[4] != 3)' \
    "$W/sde/b/$(cd "$W/sde/b" && cache_of one.py)"
export SOURCE_DATE_EPOCH=
run_pair sde -j2
unset SOURCE_DATE_EPOCH
check "sde: an empty SOURCE_DATE_EPOCH means timestamp (flags 0)" \
    "$PYTHON" -c 'import sys; sys.exit(open(sys.argv[1], "rb").read()[4] != 0)' \
    "$W/sde/b/$(cd "$W/sde/b" && cache_of one.py)"

new_case optimize-env
printf 'assert 0\n"""doc"""\n' >"$W/optimize-env/a/m.py"
twin optimize-env m.py
export PYTHONOPTIMIZE=2
run_pair optimize-env -j1
unset PYTHONOPTIMIZE
check "optimize-env: PYTHONOPTIMIZE=2 writes an .opt-2.pyc" \
    sh -c 'ls "$1"/__pycache__/m.*.opt-2.pyc >/dev/null' sh "$W/optimize-env/b"

# PYTHONPYCACHEPREFIX: the tree moves under the prefix, keyed by absolute
# path, so the two copies are compared at the paths Python computes.
new_case prefix
printf 'x = 1\n' >"$W/prefix/a/m.py"
printf 'def f(:\n' >"$W/prefix/a/bad.py"
twin prefix m.py bad.py
export PYTHONPYCACHEPREFIX="$W/prefix/cache"
run_pair prefix -j2
unset PYTHONPYCACHEPREFIX
check "prefix: .pyc under the prefix, byte-identical to py_compile's" \
    env PYTHONPYCACHEPREFIX="$W/prefix/cache" "$PYTHON" -c '
import importlib.util, os, sys
a, b = sys.argv[1:3]
ca = importlib.util.cache_from_source(os.path.join(a, "m.py"))
cb = importlib.util.cache_from_source(os.path.join(b, "m.py"))
sys.exit(open(ca, "rb").read() != open(cb, "rb").read())' \
    "$W/prefix/a" "$W/prefix/b"
check "prefix: no __pycache__ in the source tree" [ ! -e "$W/prefix/b/__pycache__" ]

# Many files, failures interleaved: messages stay in input order at any -j.
new_case order
a=$W/order/a
i=0
while [ $i -lt 60 ]; do
	if [ $((i % 7)) = 3 ]; then printf 'def f%d(:\n' $i >"$a/f$i.py"
	else printf 'x = %d\n' $i >"$a/f$i.py"; fi
	i=$((i + 1))
done
twin order $(i=59; while [ $i -ge 0 ]; do printf 'f%d.py ' $i; i=$((i - 1)); done)
run_pair order -j4
