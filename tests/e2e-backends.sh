#!/bin/sh
# e2e-backends.sh: the two compile backends.  Both give py_compile's result
# on a small tree; --backend, PYCOMPILE_BATCH_BACKEND and --timeout are
# checked as the command line's; a worker process killed while it compiles
# (SIGKILL, as the OOM killer does, and SIGSEGV) fails only its file, with
# the file and the signal in the message, and a new worker compiles the
# rest; --timeout fails a file that compiles too long and goes on; no worker
# outlives its run, even a run killed outright.
. "$PCB_TESTDIR/lib.sh"
unset SOURCE_DATE_EPOCH PYTHONOPTIMIZE PYTHONPYCACHEPREFIX PYCOMPILE_BATCH_BACKEND || true
cd "$W"

minor=$("$PYTHON" -c 'import sys; print(sys.version_info[1])')
own_gil=0
[ "$minor" -ge 12 ] && own_gil=1

# A copy of the program: its workers run this path, so that pgrep finds
# ours and not those of another test running at the same time.
cp "$PCB" "$W/pcb"
PCBX=$W/pcb
workers() { pgrep -f "^$PCBX --backend-worker" | wc -l; }

# -- py_compile's result from both backends --------------------------------
for backend in processes subinterpreters; do
	[ "$backend" = subinterpreters ] && [ "$own_gil" = 0 ] && j=1 || j=2
	name=tree-$backend
	new_case "$name"
	printf 'x = 1\nassert x, "no"\n' >"$W/$name/a/a.py"
	printf 'def f(:\n' >"$W/$name/a/bad.py"
	printf 'x = "\\d"\nif x is "a": pass\n' >"$W/$name/a/warn.py"
	printf '"""doc"""\nclass C:\n    def m(self):\n        return [i for i in range(3)]\n' >"$W/$name/a/c.py"
	printf 'x = 1\0' >"$W/$name/a/nul.py"
	twin "$name" a.py bad.py warn.py missing.py c.py nul.py
	run_pair "$name" -j$j --backend=$backend
done

# -- choosing a backend -----------------------------------------------------
printf 'x = 1\n' >ok.py
refused "--backend=threads" --backend=threads ok.py
refused "--timeout=0" --timeout=0 ok.py
refused "--timeout=-1" --timeout=-1 ok.py
refused "--timeout=soon" --timeout=soon ok.py
refused "--timeout with subinterpreters" --backend=subinterpreters --timeout=5 ok.py
PYCOMPILE_BATCH_BACKEND=threads refused "PYCOMPILE_BATCH_BACKEND=threads" ok.py
if [ "$own_gil" = 0 ]; then
	refused "subinterpreters -j2 without an own GIL" --backend=subinterpreters -j2 ok.py
	check "subinterpreters -j1 without an own GIL compiles" "$PCB" --backend=subinterpreters -j1 ok.py
	check "-V: auto uses processes, subinterpreters with -j1" \
	    sh -c '"$PCB" -V | grep -q "auto uses processes (subinterpreters with -j1)"'
else
	check "-V: auto uses subinterpreters" sh -c '"$PCB" -V | grep -q "auto uses subinterpreters"'
fi
check "--backend-worker by hand: exit 2" sh -c '"$PCB" --backend-worker </dev/null 2>/dev/null; [ $? = 2 ]'
rm -rf __pycache__
PYCOMPILE_BATCH_BACKEND=processes "$PCBX" -j1 ok.py &
pid=$!
wait $pid
check "PYCOMPILE_BATCH_BACKEND=processes compiles" [ -f "$(cache_of ok.py)" ]

# -- a slow file: long enough to kill its worker or run out of time --------
"$PYTHON" -c '
import sys
with open(sys.argv[1], "w") as f:
    for i in range(60000):
        f.write("x%d = (%d + %d) * 3 - y%d\n" % (i, i, i, i))
' slow.py
t0=$(date +%s%N)
"$PYTHON" -c 'import sys; compile(open(sys.argv[1]).read(), sys.argv[1], "exec")' slow.py
slow_ms=$((($(date +%s%N) - t0) / 1000000))
check "slow.py takes $slow_ms ms to compile here" [ "$slow_ms" -gt 300 ]
for i in 1 2 3; do printf 'x = %d\n' "$i" >"after$i.py"; done

# kill_worker SIG SIGNO: -j1 over slow.py then three small files; the worker is
# sent SIG once it has had slow.py for a while.
kill_worker() {
	sig=$1 signo=$2
	rm -rf __pycache__
	set +e
	# A sanitizer's own SIGSEGV handler would turn the signal into an abort.
	ASAN_OPTIONS="${ASAN_OPTIONS:-}:handle_segv=0" \
	    TSAN_OPTIONS="${TSAN_OPTIONS:-} handle_segv=0" \
	    "$PCBX" --backend=processes -j1 slow.py after1.py after2.py after3.py 2>err &
	pid=$!
	n=0
	while [ "$(workers)" = 0 ] && [ $n -lt 100 ]; do sleep 0.05; n=$((n + 1)); done
	sleep "$(awk "BEGIN { print $slow_ms / 3000 }")"
	pkill -"$sig" -f "^$PCBX --backend-worker"
	wait $pid
	rc=$?
	set -e
	check "SIG$sig to the worker: exit $rc (want 1)" [ "$rc" = 1 ]
	check "SIG$sig to the worker: message names the file and the signal: $(head -1 err)" \
	    grep -q "slow.py'.*signal $signo" err
	check "SIG$sig to the worker: no .pyc for slow.py" [ ! -e "$(cache_of slow.py)" ]
	check "SIG$sig to the worker: a new worker compiled the 3 files after it" \
	    sh -c 'for f in after1 after2 after3; do [ -f "$("$PYTHON" -c "import importlib.util, sys; print(importlib.util.cache_from_source(sys.argv[1]))" $f.py)" ] || exit 1; done'
	check "SIG$sig to the worker: no temp file" sh -c '! ls __pycache__ | grep -q "\.pyc\."'
	check "SIG$sig to the worker: no worker left" [ "$(workers)" = 0 ]
}
kill_worker KILL 9
kill_worker SEGV 11

# --timeout: slow.py fails in about the time given, the others compile.
rm -rf __pycache__
set +e
t0=$(date +%s%N)
"$PCBX" --timeout=0.2 -j1 after1.py slow.py after2.py 2>err
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
set -e
check "--timeout=0.2: exit $rc (want 1)" [ "$rc" = 1 ]
check "--timeout=0.2: the message names the file and the limit: $(head -1 err)" \
    grep -q "slow.py' took more than 0.2 s (--timeout)" err
check "--timeout=0.2: the files before and after it compiled" \
    sh -c '[ -f "$1" ] && [ -f "$2" ] && [ ! -e "$3" ]' - \
    "$(cache_of after1.py)" "$(cache_of after2.py)" "$(cache_of slow.py)"
check "--timeout=0.2: the run took $ms ms, less than compiling slow.py ($slow_ms ms)" [ "$ms" -lt "$slow_ms" ]
rm -rf __pycache__
check "--timeout=60: slow.py compiles" "$PCBX" --timeout=60 -j2 after1.py slow.py
check "--timeout=60: no worker left" [ "$(workers)" = 0 ]

# A worker idle for longer than --timeout (its next file, a FIFO, is slow to
# read) still gets the whole limit for that file: the clock is not stale.
rm -rf __pycache__ fifo.py
mkfifo fifo.py
set +e
"$PCBX" --timeout=1 -j1 after1.py fifo.py after2.py 2>err &
pid=$!
sleep 2
echo 'y = 3' >fifo.py
wait $pid
rc=$?
set -e
check "--timeout=1, idle 2 s before a one-line file: exit $rc (want 0) $(head -1 err)" [ "$rc" = 0 ]

# A worker that dies while idle is replaced before the next file, which
# is not blamed for it.
rm -rf __pycache__
set +e
"$PCBX" --backend=processes -j1 after1.py fifo.py after2.py 2>err &
pid=$!
n=0
while [ ! -f "$(cache_of after1.py)" ] && [ $n -lt 100 ]; do sleep 0.05; n=$((n + 1)); done
pkill -KILL -f "^$PCBX --backend-worker"
sleep 0.3
echo 'y = 3' >fifo.py
wait $pid
rc=$?
set -e
check "a worker killed while idle: exit $rc (want 0), nothing failed $(head -1 err)" \
    sh -c '[ "$1" = 0 ] && [ -f "$2" ] && [ -f "$3" ]' - "$rc" "$(cache_of fifo.py)" "$(cache_of after2.py)"
[ "$rc" = 0 ] || note <err
rm -f fifo.py

# A run killed outright takes its workers with it.
rm -rf __pycache__
"$PCBX" --backend=processes -j2 slow.py slow.py after1.py 2>/dev/null &
pid=$!
n=0
while [ "$(workers)" = 0 ] && [ $n -lt 100 ]; do sleep 0.05; n=$((n + 1)); done
before=$(workers)
kill -KILL $pid
wait $pid 2>/dev/null || true
n=0
while [ "$(workers)" != 0 ] && [ $n -lt 40 ]; do sleep 0.05; n=$((n + 1)); done
left=$(workers)
check "SIGKILL to the run: its $before workers are gone ($left left)" \
    sh -c '[ "$1" -gt 0 ] && [ "$2" = 0 ]' - "$before" "$left"
