#!/bin/sh
# e2e-limits.sh: a full disk, permissions seen by a user who is not root,
# root over another user's links, resource limits, and concurrent runs on
# one tree.
. "$PCB_TESTDIR/lib.sh"
unset SOURCE_DATE_EPOCH PYTHONOPTIMIZE PYTHONPYCACHEPREFIX || true

skip() { tap_n=$((tap_n + 1)); echo "ok $tap_n # SKIP $*"; }

# --- ENOSPC: a 1 MiB tmpfs, filled up but for a few KiB -------------------
# py_compile is no reference here: importlib's _write_atomic ignores a short
# write, so it renames a truncated .pyc into place (shown as a note).
mkdir -p "$W/full"
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=1m pcb-test "$W/full" 2>/dev/null; then
	mkdir -p "$W/full/a"
	"$PYTHON" -c 'print("X = %r" % ("x" * 100000))' >"$W/full/a/big.py"
	printf 'Y = 1\n' >"$W/full/a/small.py"
	(cd "$W/full/a" && "$PYTHON" -c 'import py_compile; py_compile.compile("big.py", doraise=True)')
	cp "$W/full/a/__pycache__/"*.pyc "$W/old.pyc"
	printf '\n' >>"$W/full/a/big.py"
	dd if=/dev/zero of="$W/full/filler" bs=4k 2>/dev/null || true
	rm -f "$W/full/filler"
	dd if=/dev/zero of="$W/full/filler" bs=4k count=$(($(df -k --output=avail "$W/full" | tail -1) / 4 - 4)) 2>/dev/null || true
	set +e
	(cd "$W/full/a" && "$PCB" big.py small.py 2>"$W/err")
	rc=$?
	set -e
	big=$(cd "$W/full/a" && cache_of big.py)
	small=$(cd "$W/full/a" && cache_of small.py)
	check "ENOSPC: exit $rc" [ "$rc" = 1 ]
	check "ENOSPC: message '$(cat "$W/err")'" \
	    [ "$(cat "$W/err")" = "[Errno 28] No space left on device" ]
	check "ENOSPC: the older .pyc is intact" cmp -s "$W/old.pyc" "$W/full/a/$big"
	check "ENOSPC: the small file is compiled" [ -s "$W/full/a/$small" ]
	check "ENOSPC: no temp file left" [ "$(find "$W/full" -name '*.pyc.*' | wc -l)" = 0 ]
	(cd "$W/full/a" && "$PYTHON" -c 'import py_compile; py_compile.compile("big.py", doraise=True)' 2>&1 |
	    tail -1 | sed 's/^/py_compile on the full disk: /'; \
	    echo "py_compile left: $("$PYTHON" "$PCB_TESTDIR/validpyc.py" . | tail -1)") | note || true
	umount -l "$W/full"
else
	skip "ENOSPC: needs root and a tmpfs mount"
fi

# --- permissions, as a user who is not root ----------------------------------
# The tree must be reachable by that user, and so must the Python and the
# program (a pyenv Python under /root is not).
U=$(mktemp -d "${TMPDIR:-/tmp}/pcb-user.XXXXXX")
chmod 755 "$U"
as_nobody="setpriv --reuid=nobody --regid=nogroup --clear-groups"
as_user() { $as_nobody "$@"; }
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null &&
    as_user "$PYTHON" -c pass 2>/dev/null && as_user "$PCB" --version >/dev/null 2>&1 &&
    as_user test -r "$PCB_TESTDIR/oracle.py"; then
	for side in a b; do
		d=$U/$side
		mkdir -p "$d/ro"
		printf 'x = 1\n' >"$d/ok.py"
		printf 'x = 1\n' >"$d/secret.py"
		chmod 000 "$d/secret.py"
		printf 'x = 1\n' >"$d/ro/m.py"
		printf 'x = 1\n' >"$d/ropc.py"
		mkdir -p "$d/__pycache__"
		printf 'stale' >"$d/$(cd "$d" && cache_of ropc.py)"
		chown -R nobody:nogroup "$d"
		chown root:root "$d/__pycache__" "$d/$(cd "$d" && cache_of ropc.py)"
		chmod 555 "$d/ro"
	done
	printf 'secret.py\0ro/m.py\0ropc.py\0ok.py\0' >"$U/list"
	chmod 644 "$U/list"
	set +e
	(cd "$U/a" && as_user "$PYTHON" "$PCB_TESTDIR/oracle.py" ../list 2>../err.a)
	rc_a=$?
	(cd "$U/b" && as_user "$PCB" -0 -j2 - <../list 2>../err.b)
	rc_b=$?
	set -e
	check "as nobody: exit $rc_b, py_compile $rc_a" [ "$rc_a" = "$rc_b" ]
	same_messages "as nobody" "$U"
	same_pyc "as nobody" "$U/cmp" "$U/a" "$U/b"
	listing "$U/a" >"$U/ls.a"
	listing "$U/b" >"$U/ls.b"
	check "as nobody: same files and modes, nothing stray" cmp -s "$U/ls.a" "$U/ls.b"
else
	skip "as nobody: needs root, setpriv, and a Python other users can run"
fi
chmod -R u+rwx "$U" 2>/dev/null || true
rm -rf "$U"

# --- root over another user's tree: that user's symbolic links --------------
# As root, a symbolic link owned by another user is not followed on the way to
# a .pyc (py_compile follows it: shown as a note): a user's __pycache__ or
# package directory pointing at root's files must not get them replaced.
# Root's own links are followed, and a user follows their own.
R=$(mktemp -d "${TMPDIR:-/tmp}/pcb-root.XXXXXX")
chmod 755 "$R"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null && $as_nobody true 2>/dev/null; then
	mkdir -p "$R/sys/pkg" "$R/user" "$R/own/real"
	printf 'x = "root"\n' >"$R/sys/pkg/m.py"
	(cd "$R/sys/pkg" && "$PYTHON" -c 'import py_compile; py_compile.compile("m.py", doraise=True)')
	victim=$(cd "$R/sys/pkg" && cache_of m.py)
	cp "$R/sys/pkg/$victim" "$R/victim.orig"
	printf 'x = "user"\n' >"$R/user/m.py"
	chown -R nobody:nogroup "$R/user" "$R/own"
	# The user's links: __pycache__ into root's package, and the package.
	$as_nobody ln -s "$R/sys/pkg/__pycache__" "$R/user/__pycache__"
	$as_nobody ln -s "$R/sys/pkg" "$R/user/pkg"
	set +e
	(cd "$R/user" && "$PCB" m.py pkg/m.py 2>"$R/err")
	rc=$?
	set -e
	check "root, another user's links: exit $rc" [ "$rc" = 1 ]
	check "root, another user's links: each file refused, naming the link ($(head -1 "$R/err"))" \
	    [ "$(grep -c "not following the symbolic link \(__pycache__\|pkg\): it belongs to user $(id -u nobody)" "$R/err")" = 2 ]
	check "root, another user's links: root's .pyc untouched, no temp file" \
	    sh -c 'cmp -s "$1" "$2" && [ -z "$(find "$3" -name "*.pyc.*")" ]' - "$R/victim.orig" "$R/sys/pkg/$victim" "$R/sys"
	(cd "$R/user" && "$PYTHON" -c 'import py_compile; py_compile.compile("m.py", doraise=True)' 2>&1) >/dev/null || true
	cmp -s "$R/victim.orig" "$R/sys/pkg/$victim" ||
	    echo "py_compile as root followed the link and replaced root's $victim" | note
	cp "$R/victim.orig" "$R/sys/pkg/$victim"
	# Root's link moved into the user's directory; the user's link within
	# the target of root's link.
	ln -s "$R/sys/pkg/__pycache__" "$R/user/moved"
	mkdir -p "$R/u2/src" "$R/udir"
	chown nobody:nogroup "$R/udir"
	$as_nobody ln -s "$R/sys/pkg/__pycache__" "$R/udir/x"
	ln -s "$R/udir/x" "$R/u2/src/__pycache__"
	printf 'x = "user"\n' >"$R/u2/src/m.py"
	set +e
	(cd "$R/user" && "$PCB" moved/../m.py 2>"$R/err2")
	(cd "$R/u2/src" && "$PCB" m.py 2>>"$R/err2")
	set -e
	check "root, root's link in the user's directory, the user's link in root's link's target: both refused ($(tr '\n' '|' <"$R/err2"))" \
	    sh -c 'grep -q "symbolic link moved: its directory belongs to user" "$1" &&
	        grep -q "symbolic link x: it belongs to user" "$1" && cmp -s "$2" "$3"' - "$R/err2" "$R/victim.orig" "$R/sys/pkg/$victim"
	# /proc's links lead to their object (the kernel follows them).
	mkdir -p "$R/procdir"
	printf 'p = 1\n' >"$R/procdir/p.py"
	(cd "$R/procdir" && "$PCB" /proc/self/cwd/p.py)
	check "root, /proc/self/cwd/p.py: the .pyc in the real directory" [ -s "$R/procdir/$(cd "$R/procdir" && cache_of p.py)" ]
	# Root's own link is followed, as py_compile does.
	mkdir -p "$R/rootlink/real"
	printf 'y = 1\n' >"$R/rootlink/n.py"
	ln -s real "$R/rootlink/__pycache__"
	(cd "$R/rootlink" && "$PCB" n.py)
	check "root, root's own link: followed, .pyc in its target" [ -s "$R/rootlink/real/$(cd "$R/rootlink" && basename "$(cache_of n.py)")" ]
	# A user follows their own link.
	printf 'z = 1\n' >"$R/own/o.py"
	chown nobody:nogroup "$R/own/o.py"
	$as_nobody ln -s real "$R/own/__pycache__"
	if as_user "$PCB" --version >/dev/null 2>&1; then
		(cd "$R/own" && as_user "$PCB" o.py)
		check "nobody, their own link: followed" [ -s "$R/own/real/$(cd "$R/own" && basename "$(cache_of o.py)")" ]
	else
		skip "nobody, their own link: needs a program other users can run"
	fi
else
	skip "root, another user's links: needs root and setpriv"
	skip "root, another user's links: needs root and setpriv"
	skip "root, another user's links: needs root and setpriv"
	skip "root, moved and nested links: needs root and setpriv"
	skip "root, /proc/self/cwd: needs root and setpriv"
	skip "root, root's own link: needs root and setpriv"
	skip "nobody, their own link: needs root and setpriv"
fi
rm -rf "$R"

# --- concurrent runs on one tree ---------------------------------------------
# Every 3rd file of the stdlib copy, and where that would be well over 300
# (575 of a whole stdlib) every Kth, 300 to 400 files: three writers race on
# each file whatever their number, and each round is three compiles of them.
copy_stdlib "$W/tree"
k=$(($(find "$W/tree" -name '*.py' | wc -l) / 300))
[ "$k" -ge 3 ] || k=3
(cd "$W/tree" && find . -name '*.py' -printf '%P\0' | awk -v k="$k" 'BEGIN { RS = "\0"; ORS = "\0" } NR % k == 0') >"$W/list"
for round in 1 2 3; do
	find "$W/tree" -name __pycache__ -type d -prune -exec rm -rf {} +
	(cd "$W/tree" && "$PCB" -q -0 -j2 - <"$W/list") &
	p1=$!
	(cd "$W/tree" && tac -s "$(printf '\0')" "$W/list" | "$PCB" -q -0 -j2 --reproducible -) &
	p2=$!
	(cd "$W/tree" && tr '\0' '\n' <"$W/list" | "$PYTHON" -m compileall -q -f -i - >/dev/null 2>&1) &
	p3=$!
	wait $p1 || true
	wait $p2 || true
	wait $p3 || true
	v=$("$PYTHON" "$PCB_TESTDIR/validpyc.py" "$W/tree" | tail -1)
	t=$(find "$W/tree" -name '*.pyc.*' | wc -l)
	check "concurrent round $round (two pycompile-batch and compileall): $v, $t temp files" \
	    sh -c 'case "$1" in "valid 0, "*) exit 1;; *", bad 0") exit 0;; *) exit 1;; esac' - "$v"
done

# --- standard streams closed or on a full device -----------------------------
# Started with 2>&- or >&-, the freed descriptor must not become the report's
# (messages would land in it); -v lines or a report that cannot be written
# fail the run with the cause named.
mkdir -p "$W/std"
printf 'x = 1\n' >"$W/std/good.py"
printf 'x = (\n' >"$W/std/bad.py"
set +e
(cd "$W/std" && "$PCB" --report r1.json bad.py good.py 2>&-)
rc=$?
set -e
check "2>&-: exit status 1 ($rc), the report is JSON with 1 failed" sh -c \
    '[ "$1" = 1 ] && "$2" -c "import json, sys; t = json.load(open(sys.argv[1]))[\"totals\"]; sys.exit(t[\"failed\"] != 1)" "$3"' \
    - "$rc" "$PYTHON" "$W/std/r1.json"
set +e
(cd "$W/std" && "$PCB" -v --report r2.json good.py >&-)
rc=$?
set -e
check ">&- with -v: exit status 0 ($rc), the report is JSON" sh -c \
    '[ "$1" = 0 ] && "$2" -c "import json, sys; json.load(open(sys.argv[1]))" "$3"' \
    - "$rc" "$PYTHON" "$W/std/r2.json"
if [ -w /dev/full ]; then
	set +e
	(cd "$W/std" && "$PCB" -v good.py >/dev/full 2>"$W/std/err.v")
	rc=$?
	# Enough files that the report's buffer is written before the end.
	mkdir -p "$W/std/many"
	for i in $(seq 300); do printf 'x = %d\n' "$i" >"$W/std/many/m$i.py"; done
	(cd "$W/std" && "$PCB" --report /dev/full many 2>"$W/std/err.r")
	rc2=$?
	set -e
	check "-v to a full device: exit status 1 ($rc), ENOSPC named" \
	    sh -c '[ "$1" = 1 ] && grep -q "standard output: No space left on device" "$2"' - "$rc" "$W/std/err.v"
	check "--report to a full device: exit status 1 ($rc2), ENOSPC named" \
	    sh -c '[ "$1" = 1 ] && grep -q "No space left on device" "$2"' - "$rc2" "$W/std/err.r"
else
	skip "/dev/full: not writable here"
	skip "/dev/full: not writable here"
fi

# --- an address-space limit (ulimit -v) ----------------------------------------
# Whatever the limit: never an abort, a hang or a crash; every failure a
# message and a nonzero exit; never a file reported compiled without its
# .pyc on disk.  (libuv aborted when its threadpool could not start.)  -j2
# runs the processes backend: several own-GIL subinterpreters out of memory
# can crash inside CPython 3.13.0 (a dict resize while interning), not yet
# handled.
mkdir -p "$W/as/src"
stdlib=$("$PYTHON" -c 'import sysconfig; print(sysconfig.get_path("stdlib"))')
for f in "$stdlib"/[a-c]*.py; do cp "$f" "$W/as/src/"; done
nas=$(ls "$W/as/src" | wc -l)
# A sanitizer build cannot start under an address-space limit, and its
# memory is no measure: both checks below need a plain build.
plain_build=no
(ulimit -v 400000 && "$PCB" --version >/dev/null 2>&1) && plain_build=yes
if [ $plain_build = no ]; then
	skip "ulimit -v: this build cannot start under 400 MB (a sanitizer's shadow memory)"
else
	bad= bad20= badsegv=
	for v in 20000 30000 40000 60000 90000 150000; do
		for j in 1 2; do
			rm -rf "$W/as/src/__pycache__" "$W/as/r.json"
			set +e
			be=auto
			[ $j = 1 ] || be=processes
			(cd "$W/as" && ulimit -v $v && exec timeout 60 "$PCB" -j$j --backend=$be --report r.json src >/dev/null 2>err)
			rc=$?
			set -e
			npyc=$(find "$W/as/src" -name '*.pyc' | wc -l)
			ncomp=$("$PYTHON" -c 'import json, sys
try:
    print(json.load(open(sys.argv[1]))["totals"]["compiled"])
except Exception:
    print(0)' "$W/as/r.json")
			case $rc in
			0) [ "$npyc" = "$nas" ] || bad="$bad v=$v,j=$j:rc0-with-$npyc-of-$nas" ;;
			1 | 2) [ -s "$W/as/err" ] || bad="$bad v=$v,j=$j:rc$rc-silent" ;;
			# In this process (-j1), CPython's compiler itself can
			# crash on a failed allocation (3.12.1, seen at 40 MB:
			# flowgraph.c, normalize_jumps_in_block): known, below.
			139) [ $j = 1 ] && badsegv="$badsegv v=$v" || bad="$bad v=$v,j=$j:rc139" ;;
			*) bad="$bad v=$v,j=$j:rc$rc" ;;
			esac
			[ "$ncomp" -le "$npyc" ] || bad="$bad v=$v,j=$j:$ncomp-compiled-$npyc-pyc"
			# At 20 MB Python itself may not start: CPython 3.15.0 was
			# seen to crash in its start-up there (known, below).
			if [ $v = 20000 ]; then bad20="$bad20$bad"; bad=; fi
		done
	done
	check "ulimit -v 30 to 150 MB, -j1, -j2 processes: no abort, hang or silent failure${bad:+ (not:$bad)}" [ -z "$bad" ]
	if [ -z "$badsegv" ]; then
		ok "ulimit -v, -j1: no crash"
	else
		tap_n=$((tap_n + 1))
		echo "not ok $tap_n - ulimit -v, -j1: SIGSEGV at$badsegv # TODO CPython's compiler crashing on a failed allocation in this process (3.12.1) is not handled yet"
	fi
	if [ -z "$bad20" ]; then
		ok "ulimit -v 20 MB: no abort, hang or silent failure"
	else
		tap_n=$((tap_n + 1))
		echo "not ok $tap_n - ulimit -v 20 MB:$bad20 # TODO CPython crashing in its own start-up out of memory (3.15.0) is not handled yet"
	fi
fi

# --- few file descriptors (ulimit -n), few processes (ulimit -u) --------------
# 40 files, each run on a fresh copy of one tree (same mtimes): the .pyc files
# must be those of a run without limits, byte for byte, with nothing stray.
# Down to 12 descriptors every file compiles, at any -j, and down to 11 with
# pyenv's Pythons (there, files failed with EMFILE before; at -j2, 3.11's
# worker processes would not start); with
# 6 (py_compile's least), too few for libuv's and Python's own, the run says
# so, exit 2.  The default backend: worker processes named by the user (CI's
# processes pass sets PYCOMPILE_BATCH_BACKEND) are not replaced.  ulimit -u
# counts threads: as nobody, with 4 (libuv aborted, exit 134; then
# "cannot start a worker thread", exit 2), 5 and 8 every file compiles,
# with 2 a message and exit 2.
mkdir -p "$W/fd/src"
i=0
while [ $i -lt 40 ]; do printf 'x = %d\nassert x\n' $i >"$W/fd/src/f$i.py"; i=$((i + 1)); done
(cd "$W/fd/src" && ls | tr '\n' '\0') >"$W/fd/list"
chmod -R a+rwX "$W/fd/src"
cp -a "$W/fd/src" "$W/fd/ref"
(cd "$W/fd/ref" && "$PCB" -q -0 - <../list)
listing "$W/fd/ref" >"$W/fd/ls.ref"
# limited NAME SETPRIV_OR_EMPTY PRLIMIT_ARG PCB_ARG...: one run under a limit,
# with no descriptor open but 0, 1 and 2 (the test driver's would count);
# sets rc, and "same" when the tree equals the reference.
only_std_fds='import os, sys; os.closerange(3, 65536); os.execvp(sys.argv[1], sys.argv[1:])'
limited() {
	name=$1 as=$2 lim=$3
	shift 3
	rm -rf "$W/fd/$name"
	cp -a "$W/fd/src" "$W/fd/$name"
	set +e
	(cd "$W/fd/$name" && timeout 60 $as "$PYTHON" -c "$only_std_fds" prlimit $lim -- "$PCB" -q -0 "$@" - <../list >../out 2>../err)
	rc=$?
	set -e
	same=no
	listing "$W/fd/$name" >"$W/fd/ls.$name"
	cmp -s "$W/fd/ls.ref" "$W/fd/ls.$name" && diff -r "$W/fd/ref" "$W/fd/$name" >/dev/null && same=yes
	return 0
}
if [ $plain_build = yes ] && command -v prlimit >/dev/null; then
	bad=
	for n in 11 12 16 24; do
		for j in 1 2 4; do
			limited n$n-j$j "" --nofile=$n -j$j --backend=auto
			[ $rc = 0 ] && [ $same = yes ] && continue
			# At 11, a Python that keeps more files of its own (Debian's)
			# leaves too few: said so before anything is written.
			[ $n = 11 ] && [ $rc = 2 ] && grep -q "too few file descriptors" "$W/fd/err" &&
			    [ -z "$(find "$W/fd/n$n-j$j" -name '*.pyc*')" ] && continue
			bad="$bad n=$n,j=$j:rc$rc,same=$same:$(head -c 80 "$W/fd/err")"
		done
	done
	check "ulimit -n 11 (or exit 2, too few), 12, 16, 24 at -j1, -j2, -j4: every file compiled, as without a limit${bad:+ (not:$bad)}" [ -z "$bad" ]
	limited n6 "" --nofile=6 -j2 --backend=auto
	stray=$(find "$W/fd/n6" -name '*.pyc*' | wc -l)
	check "ulimit -n 6: exit $rc, '$(head -c 80 "$W/fd/err")', $stray files written" \
	    [ "$rc" = 2 -a "$stray" = 0 ] && grep -q "too few file descriptors" "$W/fd/err"
	if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null &&
	    as_user "$PYTHON" -c pass 2>/dev/null && as_user "$PCB" --version >/dev/null 2>&1; then
		chmod 755 "$W" "$W/fd"
		chmod 644 "$W/fd/list"
		bad=
		for u in 4 5 8; do
			for be in auto processes; do
				limited u$u-$be "$as_nobody" --nproc=$u -j2 --backend=$be
				[ $rc = 0 ] && [ $same = yes ] || bad="$bad u=$u,$be:rc$rc,same=$same:$(head -c 80 "$W/fd/err")"
			done
		done
		check "ulimit -u 4, 5, 8 as nobody, -j2, both backends: every file compiled${bad:+ (not:$bad)}" [ -z "$bad" ]
		limited u2 "$as_nobody" --nproc=2 -j2
		stray=$(find "$W/fd/u2" -name '*.pyc*' | wc -l)
		check "ulimit -u 2 as nobody: exit $rc, '$(head -c 80 "$W/fd/err")', $stray files written" \
		    [ "$rc" = 2 -a "$stray" = 0 ] && grep -q "cannot start a" "$W/fd/err"
	else
		skip "ulimit -u: needs root, setpriv, and a Python other users can run"
		skip "ulimit -u 2: needs root, setpriv, and a Python other users can run"
	fi
else
	skip "ulimit -n: needs prlimit and a build without a sanitizer"
	skip "ulimit -n 6: needs prlimit and a build without a sanitizer"
	skip "ulimit -u: needs prlimit and a build without a sanitizer"
	skip "ulimit -u 2: needs prlimit and a build without a sanitizer"
fi

# --- the read-ahead is bounded in bytes ----------------------------------------
# 24 sources of 10 MB at -j1: the read-ahead holds at most 64 MiB beyond the
# file being compiled (it held up to 24 whole sources: about 300 MiB here
# against py_compile's 48).  Peak RSS of the whole process tree, against
# py_compile's on the same files: at most its peak + 64 MiB + 3 sources +
# 32 MiB of slack.  The processes backend (CI's 3.12 run sets
# PYCOMPILE_BATCH_BACKEND=processes; by default -j1 compiles in-process)
# holds the source being compiled twice, in the parent and in its worker,
# and the reply's marshal bytes too: 2 sources more.
mkdir -p "$W/ra"
"$PYTHON" -c '
import sys
s = "X = %r\nY = 2\n" % ("ab" * 5000000)
for i in range(24):
    open("%s/b%02d.py" % (sys.argv[1], i), "w").write(s)' "$W/ra"
(cd "$W/ra" && ls ./*.py | tr '\n' '\0') >"$W/ra.list"
if [ $plain_build = yes ]; then
	(cd "$W/ra" && "$PYTHON" "$PCB_TESTDIR/peakrss.py" -o "$W/ra.peak.a" "$PYTHON" "$PCB_TESTDIR/oracle.py" "$W/ra.list")
	rm -rf "$W/ra/__pycache__"
	(cd "$W/ra" && "$PYTHON" "$PCB_TESTDIR/peakrss.py" -o "$W/ra.peak.b" "$PCB" -j1 -0 - <"$W/ra.list")
	pa=$(cat "$W/ra.peak.a") pb=$(cat "$W/ra.peak.b")
	more=0
	[ "${PYCOMPILE_BATCH_BACKEND:-}" != processes ] || more=20
	check "24 sources of 10 MB, -j1: peak RSS $pb MiB, py_compile $pa MiB (at most +$((126 + more)))" \
	    awk -v a="$pa" -v b="$pb" -v m="$more" 'BEGIN { exit !(b <= a + 64 + 30 + 32 + m) }'
	check "  and all 24 compiled" [ "$(ls "$W/ra/__pycache__" | wc -l)" = 24 ]
else
	skip "read-ahead memory: a sanitizer build's memory is no measure"
	skip "read-ahead memory: a sanitizer build's memory is no measure"
fi
