#!/bin/sh
# e2e-signals.sh: interrupted runs.  SIGINT, SIGTERM and SIGHUP at several
# moments: exit status 128+signal, no temp file left, every .pyc complete
# and valid.  SIGKILL at several moments: no partial .pyc at a target path
# (a temp file may stay: nothing can remove it).  A file over RLIMIT_FSIZE:
# Python's EFBIG message, exit 1, the older .pyc intact, no temp file.
. "$PCB_TESTDIR/lib.sh"
unset SOURCE_DATE_EPOCH PYTHONOPTIMIZE PYTHONPYCACHEPREFIX || true

# The runs below compile every Kth file of the stdlib, about 500 (every 3rd
# of a whole stdlib), or 500/N under PCB_STDLIB_SAMPLE=N but about 300 at
# least: the 22 signals are aimed at fractions of a whole run, so the files
# are the time they take, and a run must stay long enough to aim inside it.
sample=${PCB_STDLIB_SAMPLE:-1}
PCB_STDLIB_SAMPLE=1
copy_stdlib "$W/src"
PCB_STDLIB_SAMPLE=$sample
(cd "$W/src" && find . -name '*.py' -printf '%P\0' | LC_ALL=C sort -z) >"$W/all"
want=$((500 / sample))
[ "$want" -ge 300 ] || want=300
k=$((($(tr -cd '\0' <"$W/all" | wc -c) + want / 2) / want))
[ "$k" -ge 1 ] || k=1
every $k <"$W/all" >"$W/list"

clean() { find "$W/src" -name __pycache__ -type d -prune -exec rm -rf {} +; }
temps() { find "$W/src" -name '*.pyc.*' | wc -l; }

# How long a whole run takes here, to aim the signals inside it.
t0=$(date +%s%N)
(cd "$W/src" && "$PCB" -q -0 -j2 - <"$W/list") || true
full=$((($(date +%s%N) - t0) / 1000000))
check "an uninterrupted run takes ${full} ms" [ "$full" -gt 0 ]

kills=0 interrupted=0 left=0
for sig in INT TERM HUP; do
	n=$(kill -l $sig)
	for pct in 5 30 60 90; do
		clean
		ms=$((full * pct / 100))
		(cd "$W/src" && exec "$PCB" -q -0 -j2 - <"$W/list") &
		pid=$!
		sleep "$(awk "BEGIN { print $ms / 1000 }")"
		kill -$sig $pid 2>/dev/null || true
		set +e
		wait $pid
		rc=$?
		set -e
		kills=$((kills + 1))
		t=$(temps)
		left=$((left + t))
		v=$("$PYTHON" "$PCB_TESTDIR/validpyc.py" "$W/src" | tail -1)
		# A run can end before the signal lands: then it is an ordinary run.
		if [ "$rc" = $((128 + n)) ]; then
			interrupted=$((interrupted + 1))
		fi
		check "SIG$sig at ${ms} ms: exit $rc (want $((128 + n)), or 0/1 if done first), $t temp files, $v" \
		    sh -c '[ "$1" = "$2" -o "$1" -le 1 ] && [ "$3" = 0 ] && case "$4" in *", bad 0") exit 0;; *) exit 1;; esac' \
		    - "$rc" $((128 + n)) "$t" "$v"
	done
done
check "signals: $kills sent, $interrupted runs interrupted, $left temp files left" \
    [ "$interrupted" -ge $((kills / 2)) -a "$left" = 0 ]

# SIGKILL: nothing can clean up, but no target may hold a partial file.
bad=0 kleft=0
i=0
while [ $i -lt 10 ]; do
	clean
	ms=$((full * (i * 9 + 3) / 100))
	(cd "$W/src" && exec "$PCB" -q -0 -j2 - <"$W/list") &
	pid=$!
	sleep "$(awk "BEGIN { print $ms / 1000 }")"
	kill -KILL $pid 2>/dev/null || true
	wait $pid 2>/dev/null || true
	kleft=$((kleft + $(temps)))
	"$PYTHON" "$PCB_TESTDIR/validpyc.py" "$W/src" >"$W/v" || true
	b=$(sed -n 's/^valid [0-9]*, bad //p' "$W/v")
	bad=$((bad + ${b:-1}))
	i=$((i + 1))
done
check "SIGKILL: 10 kills, $bad corrupt .pyc at target paths ($kleft temp files left, expected)" [ "$bad" = 0 ]

# A .pyc over RLIMIT_FSIZE: EFBIG, not death by SIGXFSZ, and no truncated
# file.  (py_compile is no reference here: importlib's _write_atomic ignores
# a short write, so it renames a truncated .pyc into place and reports
# success; measured on 3.11 to 3.13, and shown below as a note.)
mkdir -p "$W/fs/a"
"$PYTHON" -c 'print("X = %r" % ("x" * 200000))' >"$W/fs/a/big.py"
printf 'Y = 1\n' >"$W/fs/a/small.py"
(cd "$W/fs/a" && "$PYTHON" -c 'import py_compile; py_compile.compile("big.py", doraise=True)')
printf '\n' >>"$W/fs/a/big.py"
cp -a "$W/fs/a" "$W/fs/b"
cp "$W/fs/a/__pycache__/"*.pyc "$W/fs/old.pyc"
printf 'big.py\0small.py\0' >"$W/fs/list"
set +e
(cd "$W/fs/a" && ulimit -f 64 && "$PYTHON" "$PCB_TESTDIR/oracle.py" ../list 2>../err.a)
rc_a=$?
(cd "$W/fs/b" && ulimit -f 64 && "$PCB" -0 - <../list 2>../err.b)
rc_b=$?
set -e
big=$(cd "$W/fs/b" && cache_of big.py)
small=$(cd "$W/fs/b" && cache_of small.py)
echo "py_compile under the same limit: exit $rc_a, big .pyc $(wc -c <"$W/fs/a/$big") bytes: $("$PYTHON" "$PCB_TESTDIR/validpyc.py" "$W/fs/a" | tail -1)" | note
check "RLIMIT_FSIZE: exit $rc_b" [ "$rc_b" = 1 ]
check "RLIMIT_FSIZE: message '$(cat "$W/fs/err.b")'" \
    [ "$(cat "$W/fs/err.b")" = "[Errno 27] File too large" ]
check "RLIMIT_FSIZE: the older big .pyc is intact" cmp -s "$W/fs/old.pyc" "$W/fs/b/$big"
check "RLIMIT_FSIZE: the small file is compiled" [ -s "$W/fs/b/$small" ]
check "RLIMIT_FSIZE: no temp file left" \
    [ "$(find "$W/fs/b" -name '*.pyc.*' | wc -l)" = 0 ]

# A source that blocks on read (a FIFO nobody writes; a hung network file
# system alike): SIGTERM and SIGINT still end the run, with 128+N, the file
# before it compiled, nothing after it started, no temp file.  The reads are
# abandoned.
for sig in TERM INT; do
	d=$W/fifo-$sig
	mkdir -p "$d"
	printf 'x = 1\n' >"$d/a.py"
	printf 'y = 1\n' >"$d/c.py"
	mkfifo "$d/b.py"
	(cd "$d" && exec "$PCB" -j1 a.py b.py c.py) &
	pid=$!
	i=0
	while [ ! -s "$d/$(cd "$d" && cache_of a.py)" ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -$sig $pid
	# A run that hangs is killed after 20 s (no guard process: it would
	# outlive the test).
	i=0
	while [ "$(sed 's/.*) //' /proc/$pid/stat 2>/dev/null | cut -c1)" != Z ] &&
	    [ -e /proc/$pid ] && [ $i -lt 200 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -KILL $pid 2>/dev/null || true
	set +e
	wait $pid
	rc=$?
	set -e
	n=$(kill -l $sig)
	check "blocked read, SIG$sig: exit $rc (want $((128 + n))), a.py compiled, c.py not, no temp" \
	    sh -c '[ "$1" = "$2" ] && [ -s "$3" ] && [ ! -e "$4" ] && [ -z "$(find "$5" -name "*.pyc.*")" ]' \
	    - "$rc" "$((128 + n))" "$d/$(cd "$d" && cache_of a.py)" "$d/$(cd "$d" && cache_of c.py)" "$d"
done
