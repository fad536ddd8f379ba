#!/bin/sh
# bench.sh: wall time of pycompile-batch against its peers on the same files,
# in the same run, repetitions alternating; prints medians and ratios.
# Never a pass/fail test: the machines are noisy.
#
# usage: PYTHON=... PCB=... tests/bench.sh [DIR]   (default: the linked stdlib)
# env: REPS (default 3), JOBS (default 2)
set -eu
: "${PYTHON:?}" "${PCB:?}"
reps=${REPS:-3}
jobs=${JOBS:-2}
W=$(mktemp -d "${TMPDIR:-/tmp}/pcb-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT

src=${1:-$("$PYTHON" -c 'import sysconfig; print(sysconfig.get_path("stdlib"))')}
mkdir -p "$W/tree"
(cd "$src" && tar cf - --exclude=site-packages --exclude=__pycache__ --exclude='*.pyc' .) |
    (cd "$W/tree" && tar xf - --wildcards '*.py')
(cd "$W/tree" && find "$PWD" -name '*.py' | LC_ALL=C sort) >"$W/list"
tr '\n' '\0' <"$W/list" >"$W/list0"
echo "# $("$PCB" --version | tail -1)"
echo "# $(wc -l <"$W/list") files, $(du -sh "$W/tree" | cut -f1), $(nproc) CPUs, -j$jobs, $reps repetitions"

clean() { find "$W/tree" -name __pycache__ -type d -prune -exec rm -rf {} +; }
# timed NAME CMD...: one cold run (no __pycache__), seconds appended to $W/NAME.
timed() {
	name=$1; shift
	clean
	t0=$(date +%s.%N)
	"$@" >/dev/null 2>&1 || true
	t1=$(date +%s.%N)
	echo "$t0 $t1" | awk '{ printf "%.3f\n", $2 - $1 }' >>"$W/$name"
}

i=0
while [ $i -lt "$reps" ]; do
	timed pcb sh -c '"$1" -q -0 -j"$2" - <"$3"' sh "$PCB" "$jobs" "$W/list0"
	timed pcb-repro sh -c '"$1" -q -0 -j"$2" --reproducible - <"$3"' sh "$PCB" "$jobs" "$W/list0"
	timed compileall-j sh -c '"$1" -m compileall -q -f -j"$2" "$3"' sh "$PYTHON" "$jobs" "$W/tree"
	timed compileall-i sh -c '"$1" -m compileall -q -f -i "$2"' sh "$PYTHON" "$W/list"
	i=$((i + 1))
done
"$PYTHON" - "$W" <<'PY'
import statistics, sys
w = sys.argv[1]
med = {}
for name in ("pcb", "pcb-repro", "compileall-j", "compileall-i"):
    runs = [float(x) for x in open("%s/%s" % (w, name))]
    med[name] = statistics.median(runs)
    print("%-14s median %6.2f s  runs %s" % (name, med[name], " ".join("%.2f" % r for r in runs)))
for name in ("compileall-j", "compileall-i"):
    print("pycompile-batch is %.2fx faster than %s" % (med[name] / med["pcb"], name))
print("--reproducible takes %.2fx the default's time" % (med["pcb-repro"] / med["pcb"]))
PY
