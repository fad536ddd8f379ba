#!/bin/sh
# e2e-cli.sh: the command line: help, version, usage errors, lists, exit
# statuses, --fail-fast and --quiet.
. "$PCB_TESTDIR/lib.sh"
unset SOURCE_DATE_EPOCH PYTHONOPTIMIZE PYTHONPYCACHEPREFIX || true
cd "$W"

check "--help exits 0 and shows usage" sh -c '"$PCB" --help | grep -q "^Usage: pycompile-batch"'
magic=$("$PYTHON" -c 'import importlib.util; print(importlib.util.MAGIC_NUMBER.hex())')
version=$("$PYTHON" -c 'import platform; print(platform.python_version())')
check "--version names Python $version and magic $magic" \
    sh -c '"$PCB" --version | grep -q "Python $1, magic number $2"' sh "$version" "$magic"

# usage_error DESC ARGS...: exit 2, exactly one line on stderr, nothing written.
usage_error() {
	desc=$1; shift
	set +e
	"$PCB" "$@" >out 2>err </dev/null
	rc=$?
	set -e
	check "$desc: exit 2 ($rc)" [ "$rc" = 2 ]
	check "$desc: one-line error ($(head -1 err))" [ "$(wc -l <err)" = 1 ]
}
printf 'x = 1\n' >ok.py
usage_error "-j -1" -j -1 ok.py
usage_error "-j abc" -j abc ok.py
usage_error "-o 7" -o 7 ok.py
usage_error "-o x" -o x ok.py
usage_error "unknown mode" --invalidation-mode=sometimes ok.py
usage_error "unknown option" --frobnicate ok.py
usage_error "missing value" ok.py -j
usage_error "no files" -j2
check "usage errors wrote nothing" [ ! -e __pycache__ ]

# Lists on standard input.
mkdir -p list && cd list
printf 'a = 1\n' >a.py
printf 'b = 1\n' >'new
line.py'
printf 'c = 1\n' >'sp ace.py'
check "newline list with empty lines and no final newline" \
    sh -c 'printf "a.py\n\n\nsp ace.py" | "$PCB" -' 
check "  compiled both" [ -f "$(cache_of a.py)" -a -f "$(cache_of 'sp ace.py')" ]
rm -rf __pycache__
check "-0 list carries a name with a newline" \
    sh -c 'printf "new\nline.py\0a.py\0" | "$PCB" -0 -'
check "  compiled it" [ -f "__pycache__/new
line.$(cache_of x.py | sed 's|.*/x\.||')" ]
check "empty list: exit 0" sh -c ': | "$PCB" -'
rm -rf __pycache__
set +e
printf 'a.py\0sp ace.py\0' | "$PCB" - 2>err; rc=$?
set -e
check "a NUL list without -0: exit 2 ($rc), -0 named, nothing compiled" \
    sh -c '[ "$1" = 2 ] && grep -q "NUL byte.*needs -0" err && [ "$(wc -l <err)" = 1 ] && [ ! -e __pycache__ ]' - "$rc"
check "FILE arguments and - mixed" sh -c 'rm -rf __pycache__; echo a.py | "$PCB" "sp ace.py" - && test -f "$1"' sh "$(cache_of a.py)"
cd ..

# Failures: exit 1, every other file compiled, -q silent.
mkdir -p fail && cd fail
printf 'def (\n' >bad.py
for i in 1 2 3 4 5; do printf 'x = %d\n' $i >g$i.py; done
set +e
"$PCB" -j2 g1.py bad.py g2.py missing.py g3.py 2>err; rc=$?
set -e
check "a failure exits 1 ($rc)" [ "$rc" = 1 ]
check "  and the good files are compiled" sh -c 'for f in g1 g2 g3; do test -f __pycache__/$f.*.pyc || exit 1; done'
check "  with two messages, in input order" sh -c 'grep -n "bad.py\|missing.py" err | cut -d: -f1 | tr "\n" " " | grep -q "^1 [0-9]* $"'
rm -rf __pycache__
set +e
"$PCB" -q bad.py g1.py >out 2>err; rc=$?
set -e
check "-q: exit 1, nothing printed" [ "$rc" = 1 -a ! -s err -a ! -s out ]
rm -rf __pycache__
set +e
"$PCB" -j1 --fail-fast g1.py bad.py g2.py g3.py g4.py g5.py 2>err; rc=$?
set -e
check "--fail-fast: exit 1 ($rc)" [ "$rc" = 1 ]
check "  compiled what came before the failure" sh -c 'test -f __pycache__/g1.*.pyc'
check "  started nothing after it at -j1" sh -c '! ls __pycache__/g5.*.pyc 2>/dev/null'
check "  printed only the failure" [ "$(grep -c 'SyntaxError' err)" = 1 ]
cd ..

# Two levels that name one .pyc (-1 is the interpreter's level, 0 here):
# compileall unlinks it and then fails to link it to itself; here it stays.
mkdir -p levels && cd levels
printf 'x = 1\n' >m.py
set +e
"$PCB" -o -1 -o 0 --hardlink-dupes m.py 2>err; rc=$?
set -e
check "-o -1 -o 0 --hardlink-dupes: exit 0 ($rc), no message, the .pyc is there" \
    sh -c '[ "$1" = 0 ] && [ ! -s err ] && [ -s "$2" ]' - "$rc" "$(cache_of m.py)"
cd ..
