# lib.sh: shared by the end-to-end tests.  TAP output, one line per check.
# Needs PYTHON (the linked interpreter, the oracle) and PCB (the program).
set -eu

: "${PYTHON:?PYTHON is not set}"
: "${PCB:?PCB is not set}"
: "${PCB_TESTDIR:?PCB_TESTDIR is not set}"
# The oracle and the helpers must not write their own modules' .pyc files into
# the trees under test (PYTHONPYCACHEPREFIX): a stdlib packaged without them,
# as Debian's is, would get them.  py_compile and pycompile-batch ignore it.
export PYTHONDONTWRITEBYTECODE=1

tap_n=0
tap_failed=0
W=$(mktemp -d "${TMPDIR:-/tmp}/pcb-e2e.XXXXXX")
trap 'chmod -R u+rwx "$W" 2>/dev/null; rm -rf "$W"; echo "1..$tap_n"; exit $tap_failed' EXIT

ok() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $*"; }
not_ok() { tap_n=$((tap_n + 1)); tap_failed=1; echo "not ok $tap_n - $*"; }
# check DESC CMD...: one TAP line for whether CMD succeeds.
check() {
	desc=$1; shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}
note() { sed 's/^/# /'; }
# refused DESC ARGS...: "$PCB" ARGS run in the current directory must be a
# usage error: exit 2, one line on stderr, no __pycache__ written.
refused() {
	desc=$1; shift
	rm -rf __pycache__
	set +e
	"$PCB" "$@" >out 2>err </dev/null
	rc=$?
	set -e
	check "$desc: exit 2 ($rc), one line: $(head -1 err)" \
	    sh -c '[ "$1" = 2 ] && [ "$(wc -l <err)" = 1 ] && [ ! -e __pycache__ ]' - "$rc"
}

# copy_stdlib DIR: the .py files of the linked Python's stdlib (its test
# suite and deliberately broken files included, site-packages left out).
# With PCB_STDLIB_SAMPLE=N (CI's sanitizer passes), every Nth file only, in
# sorted order, plus every deliberately broken one.
copy_stdlib() {
	mkdir -p "$1"
	(cd "$("$PYTHON" -c 'import sysconfig; print(sysconfig.get_path("stdlib"))')" &&
	    tar cf - --exclude=site-packages --exclude=__pycache__ --exclude='*.pyc' .) |
	    (cd "$1" && tar xf - --wildcards '*.py')
	if [ "${PCB_STDLIB_SAMPLE:-1}" -gt 1 ]; then
		(cd "$1" && find . -name '*.py' -print0 | LC_ALL=C sort -z |
		    awk -v RS='\0' -v ORS='\0' -v n="$PCB_STDLIB_SAMPLE" \
		    'NR % n != 0 && !/bad|tokenizedata/' | xargs -0r rm -f)
	fi
}

# stdlib_min [K]: the least number of files a stdlib copy must have: 500,
# or its share under PCB_STDLIB_SAMPLE, and of that every Kth file when a
# script samples it further.
stdlib_min() { echo $((500 / ${PCB_STDLIB_SAMPLE:-1} / ${1:-1})); }

# every K [KEEP_BROKEN]: the NUL-separated list on standard input, every
# Kth entry (the 1st, the K+1th, ...), and with KEEP_BROKEN every
# deliberately broken file of the stdlib's test suite too.  Where a script
# uses it to make a check cheaper, it says so.
every() {
	awk -v RS='\0' -v ORS='\0' -v k="$1" -v b="${2:-}" \
	    'NR % k == 1 || k == 1 || (b != "" && /bad|tokenizedata/)'
}

# Python's cache path for a source, as py_compile computes it.
cache_of() {
	"$PYTHON" -c 'import importlib.util, sys; print(importlib.util.cache_from_source(sys.argv[1]))' "$1"
}

# Replaces importlib's and our temp-name suffixes (cfile.<digits>) by .N,
# and the stack depth in 3.14's "Stack overflow (used N kB)": it moves with
# where the compiling thread's stack began (the environment's size, say).
norm_tmp() { sed -E -e "s/(\.pyc)\.[0-9]+'/\1.N'/g" -e 's/(Stack overflow \(used )[0-9]+ kB\)/\1N kB)/g'; }

# Every file below a directory: path, type and mode (stray files show up).
listing() { (cd "$1" && find . -mindepth 1 -printf '%P %y %m\n' | LC_ALL=C sort); }

# run_pair NAME [PCB OPTION...] -- [ORACLE ARG...]
# Runs the oracle over $W/NAME/a and pycompile-batch over $W/NAME/b, both on
# the NUL-separated list $W/NAME/list, and checks: same exit status, same
# messages, same .pyc files (headers identical, code equal), same listing.
run_pair() {
	name=$1; shift
	pcb_opts=
	while [ $# -gt 0 ] && [ "$1" != -- ]; do pcb_opts="$pcb_opts $1"; shift; done
	[ $# -gt 0 ] && shift
	d=$W/$name
	set +e
	(cd "$d/a" && "$PYTHON" "$PCB_TESTDIR/oracle.py" ../list "$@" 2>../err.a)
	rc_a=$?
	# shellcheck disable=SC2086
	(cd "$d/b" && "$PCB" -0 $pcb_opts - <../list 2>../err.b)
	rc_b=$?
	set -e
	check "$name: exit status $rc_b, py_compile $rc_a" [ "$rc_a" = "$rc_b" ]
	same_messages "$name" "$d"
	same_pyc "$name" "$d/cmp" "$d/a" "$d/b"
	grep '^code-equal' "$d/cmp" | note || true
	same_listing "$name" "$d/a" "$d/b"
}

# same_listing NAME A B: the trees A and B hold the same files, types and
# modes (listing); the diff is shown as a note.
same_listing() {
	listing "$2" >"$2.ls"
	listing "$3" >"$3.ls"
	if cmp -s "$2.ls" "$3.ls"; then
		ok "$1: same files and modes, nothing stray"
	else
		not_ok "$1: file listings differ"
		diff "$2.ls" "$3.ls" | head -20 | note
	fi
}

# same_messages NAME DIR: DIR/err.a (py_compile) and DIR/err.b (us), temp
# file names normalised, must be identical; the diff is shown as a note.
same_messages() {
	norm_tmp <"$2/err.a" >"$2/err.a.n"
	norm_tmp <"$2/err.b" >"$2/err.b.n"
	if cmp -s "$2/err.a.n" "$2/err.b.n"; then
		ok "$1: messages identical ($(wc -l <"$2/err.a.n") lines)"
	else
		not_ok "$1: messages differ"
		diff "$2/err.a.n" "$2/err.b.n" | head -20 | note
	fi
}

# same_pyc NAME OUT A B [--links|--links-coarser]: tests/compare.py on the trees A and B,
# its output kept in OUT; one TAP line with its summary, or its tail as a note.
same_pyc() {
	sp_name=$1 sp_out=$2
	shift 2
	if [ "${3:-}" = --links ]; then
		sp_good="same hard-link groups" sp_bad="hard-link groups differ"
	elif [ "${3:-}" = --links-coarser ]; then
		sp_good="the same hard-link groups, or with shared levels linked too"
		sp_bad="hard-link groups differ"
	else
		sp_good=".pyc files match" sp_bad=".pyc files differ"
	fi
	if "$PYTHON" "$PCB_TESTDIR/compare.py" ${3:+"$3"} "$1" "$2" >"$sp_out" 2>&1; then
		ok "$sp_name: $sp_good: $(tail -1 "$sp_out")"
	else
		not_ok "$sp_name: $sp_bad"
		tail -20 "$sp_out" | note
	fi
}

# new_case NAME: an empty case directory; fill $W/NAME/a, then call twin.
new_case() { mkdir -p "$W/$1/a"; }
# twin NAME PATH...: copy a to b (times to the nanosecond) and write the list.
twin() {
	name=$1; shift
	cp -a "$W/$name/a" "$W/$name/b"
	: >"$W/$name/list"
	for p in "$@"; do printf '%s\0' "$p" >>"$W/$name/list"; done
}
