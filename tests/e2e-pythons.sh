#!/bin/sh
# e2e-pythons.sh: --python, several interpreters in one command.  Every
# Python 3.9+ found here (pyenv's, python3.X on PATH, the linked one)
# compiles one tree in one run; for each, the .pyc files are byte for byte
# those its own py_compile writes (oracle.py run by that interpreter), and
# the messages its own.  Then: the linked Python named by --python compiles
# in this process; an interpreter named twice, or another with the same
# cache tag, compiles once; PYTHONOPTIMIZE reaches the workers; each file's
# warnings are its own; --report says which interpreter; bad names are
# usage errors that write nothing.
. "$PCB_TESTDIR/lib.sh"
unset SOURCE_DATE_EPOCH PYTHONOPTIMIZE PYTHONPYCACHEPREFIX PYCOMPILE_BATCH_BACKEND || true
cd "$W"

# -- the interpreters -------------------------------------------------------
# version PY: "3.X" for a Python 3.9 or later that runs, else nothing.
version() {
	"$1" -c 'import sys; v = sys.version_info
if v >= (3, 9): print("%d.%d" % v[:2])' 2>/dev/null || true
}
pyroot=$( (pyenv root) 2>/dev/null || echo "${PYENV_ROOT:-$HOME/.pyenv}")
: >found
for py in "$PYTHON" "$pyroot"/versions/3.*/bin/python3.[0-9]*; do
	case $py in *-config | *t) continue ;; esac
	[ -x "$py" ] && echo "$py" >>found
done
for minor in 9 10 11 12 13 14 15; do
	py=$(command -v "python3.$minor" 2>/dev/null || true)
	[ -n "$py" ] && echo "$py" >>found
done
# One per version, the linked Python first; under a sample, three at most.
pythons=
seen=
while read -r py; do
	v=$(version "$py")
	case " $seen " in *" $v "*) continue ;; esac
	[ -n "$v" ] || continue
	seen="$seen $v"
	pythons="$pythons $py"
done <found
if [ "${PCB_STDLIB_SAMPLE:-1}" -gt 1 ]; then
	set -- $pythons
	pythons="$1"
	[ $# -ge 2 ] && pythons="$pythons $2"
	[ $# -ge 3 ] && eval "pythons=\"\$pythons \${$#}\""
fi
echo "$pythons" | tr ' ' '\n' | sed '/^$/d' | while read -r py; do
	echo "$py: Python $(version "$py")"
done | note
list=$(echo $pythons | tr ' ' ',')

# -- one tree, every interpreter ------------------------------------------
# A sample of the linked stdlib (one file in 40 of copy_stdlib's)
# and files that differ by version: a match statement, a warning that each
# words its own way, a syntax error, a NUL byte.
mkdir -p tree/a
copy_stdlib stdlib
(cd stdlib && find . -name '*.py' -print0 | LC_ALL=C sort -z |
    every 40 | tar cf - --null -T - | (cd ../tree/a && tar xf -))
printf 'match x:\n    case 1: pass\n' >tree/a/match.py
printf 'def f():\n    return f is 1\n' >tree/a/warn.py
printf 'def (:\n' >tree/a/bad.py
printf 'x = 1\0' >tree/a/nul.py
cp -a tree/a tree/b
(cd tree/a && find . -name '*.py' -print0 | LC_ALL=C sort -z) >tree/list
nfiles=$(tr -cd '\0' <tree/list | wc -c)
set +e
(cd tree/b && "$PCB" -0 -j2 --python="$list" - <../list >../out.b 2>../err.b)
rc_b=$?
: >tree/err.a
rc_a=0
for py in $pythons; do
	(cd tree/a && "$py" "$PCB_TESTDIR/oracle.py" ../list 2>>../err.a) || rc_a=1
done
set -e
check "$nfiles files, $(echo $pythons | wc -w) Pythons in one run: exit status $rc_b, py_compile $rc_a" [ "$rc_a" = "$rc_b" ]
failed_with="^pycompile-batch: [0-9]* files\{0,1\} failed with "
if [ "$(echo $pythons | wc -w)" -ge 2 ]; then
	check "a line names each interpreter (each fails bad.py)" \
	    [ "$(grep -c "$failed_with" tree/err.b)" = "$(echo $pythons | wc -w)" ]
fi
grep -v "$failed_with" tree/err.b >tree/err.b.own || true
cp tree/err.b.own tree/err.b
same_messages "every Python" tree
# For each interpreter, its own .pyc files against its py_compile's, read
# by its own marshal: headers identical, code equal (tests/compare.py).
# Bytes may differ in marshal's reference flags below 3.12, where they
# follow the refcounts of strings the process shares with other modules.
for py in $pythons; do
	tag=$("$py" -c 'import sys; print(sys.implementation.cache_tag)')
	if "$py" "$PCB_TESTDIR/compare.py" --tag="$tag" tree/a tree/b >"cmp.$tag" 2>&1; then
		ok "Python $(version "$py"): .pyc files match: $(tail -1 "cmp.$tag")"
	else
		not_ok "Python $(version "$py"): .pyc files differ"
		tail -20 "cmp.$tag" | note
	fi
	grep '^code-equal' "cmp.$tag" | note || true
done
same_listing "every Python" tree/a tree/b

# -- the linked Python, named ------------------------------------------------
printf 'x = 1\n' >ok.py
check "--python=the linked Python compiles in this process (--backend=subinterpreters)" \
    "$PCB" --backend=subinterpreters -j1 --python="$PYTHON" ok.py

refused "--python=no-such-python" --python=no-such-python ok.py
refused "--python=/bin/true" --python=/bin/true ok.py
refused "--python=a directory" --python=/ ok.py
refused "--python=,x" --python=,"$PYTHON" ok.py
refused "17 interpreters" --python="$PYTHON,$PYTHON,$PYTHON,$PYTHON,$PYTHON,$PYTHON,$PYTHON,$PYTHON,$PYTHON,$PYTHON,$PYTHON,$PYTHON,$PYTHON,$PYTHON,$PYTHON,$PYTHON,$PYTHON" ok.py
worker=${PYCOMPILE_BATCH_WORKER:-}
export PYCOMPILE_BATCH_WORKER="$W/none.py"
refused "the worker script missing" --python="$PYTHON" ok.py
PYCOMPILE_BATCH_WORKER=$worker
for py in "$pyroot"/versions/3.8.*/bin/python3.8 "$pyroot"/versions/2.*/bin/python2.?; do
	[ -x "$py" ] || continue
	refused "$(basename "$py") is too old" --python="$py" ok.py
done
set -- $pythons
other=
[ $# -ge 2 ] && other=$2
if [ -n "$other" ]; then
	refused "--backend=subinterpreters with another Python" --backend=subinterpreters --python="$other" ok.py
fi

# -- the same cache tag twice compiles once ------------------------------------
ln -sf "$PYTHON" alias-python
"$PCB" -v --python="$PYTHON,$W/alias-python" ok.py >out 2>err
check "the same interpreter twice (by a second name): one pass" [ "$(grep -c "^Compiling 'ok.py'" out)" = 1 ]

# -- the environment a worker sees ----------------------------------------------
if [ -n "$other" ]; then
	rm -rf __pycache__
	PYTHONOPTIMIZE=1 "$PCB" --python="$other" ok.py
	tag=$("$other" -c 'import sys; print(sys.implementation.cache_tag)')
	check "PYTHONOPTIMIZE=1 reaches another Python's worker (ok.$tag.opt-1.pyc)" \
	    [ -f "__pycache__/ok.$tag.opt-1.pyc" ]
	# Not PYTHONPATH: a module of its own there would be imported.
	mkdir -p shadow && printf 'raise SystemExit(3)\n' >shadow/struct.py
	rm -rf __pycache__
	check "PYTHONPATH does not reach the worker" env PYTHONPATH="$W/shadow" "$PCB" --python="$other" ok.py

	# Each file's warnings, as in a py_compile process of its own.
	printf 'def f():\n    return f is 1\n' >w1.py
	cp w1.py w2.py
	: >err.a
	for f in w1.py w2.py; do
		printf '%s\0' "$f" >one.lst
		"$other" "$PCB_TESTDIR/oracle.py" one.lst 2>>err.a
	done
	"$PCB" -j1 --python="$other" w1.py w2.py 2>err.b
	check "a warning on the same line of two files is said for each" cmp -s err.a err.b

	# --report names the interpreter of each record.
	"$PCB" --python="$PYTHON,$other" --report=r.json ok.py w1.py 2>/dev/null
	check "--report: a record per file and interpreter, each naming it" \
	    "$PYTHON" -c 'import json, sys
r = json.load(open("r.json"))
recs = r["files"]
assert len(recs) == 4 and r["totals"]["compiled"] == 4, r
assert r["totals"]["files"] == 4, r["totals"]
assert [x["python"] for x in recs] == [sys.argv[1]] * 2 + [sys.argv[2]] * 2, recs' "$PYTHON" "$other"
fi
