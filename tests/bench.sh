#!/bin/sh
# bench.sh: pycompile-batch against its peers and the compile floor, on the
# same files, in the same run, repetitions alternating; prints medians,
# ratios and peak RSS.  Never a pass/fail test: the machines are noisy.
#
# usage: PYTHON=... PCB=... tests/bench.sh [DIR]   (default: the linked stdlib)
# env: REPS (default 3); JOBS, one or more worker counts (default "1 2"): each
#      is timed for pycompile-batch, the last one (N below) also for
#      compileall -jN and the --backend rows.  ROWS: which groups of rows
#      to run, among "base levels cache" (default all three); "levels cache"
#      on a large tree keeps the run short (make bench BENCH_DIR=...).
#      base is every row but the levels-* and cache-* ones.
# PYCOMPILE_BATCH_BACKEND is unset for the run: the pcb-jN rows measure the
# built-in default (--backend=auto), the pcb-BACKEND-jN rows name theirs.
#
# Rows, each a cold run (no __pycache__ anywhere) unless said otherwise:
#   pcb-jN          pycompile-batch -jN - (the list, NUL-separated)
#   pcb-repro-jN    the same with --reproducible (last N only)
#   pcb-processes-jN
#                   the same with --backend=processes (last N only)
#   pcb-subinterp-jN
#                   the same with --backend=subinterpreters (last N only).
#                   These two only where $PYTHON is 3.12+ (own-GIL
#                   subinterpreters) and the binary takes --backend (probed
#                   once: $PCB --backend=processes -V); otherwise the header
#                   and the ratio say "skipped:" and why.
#   compileall-jN   python -m compileall -q -f -jN DIR
#   compileall-i    python -m compileall -q -f -i LIST (serial)
#   py_compile      python -m py_compile - <LIST (serial)
#   floor           CPU seconds of compile() + marshal.dumps() in one
#                   process (tests/floor.py), shown divided by N
#   floor-par       wall time of N floor processes at once, each on every
#                   Nth file: what N cores give when all are busy
#   noop-pcb        pycompile-batch --incremental on an up-to-date tree
#   noop-compileall python -m compileall -q -jN DIR on an up-to-date tree
#   cache-cold-jN   pycompile-batch -jN --cache=DIR, DIR empty: filling it
#   cache-warm-jN   the same DIR, on a copy of the tree at another path with
#                   other mtimes (a CI job's fresh virtualenv): served from it
#                   (the cache rows only where the binary has --cache)
#   levels-pcb      pycompile-batch -jN -o 0 -o 1 --hardlink-dupes (Fedora's
#                   flags): level 1 takes level 0's code where the source
#                   proves it the same (doc/optimize-levels.md)
#   levels-pcb-every
#                   the same with --compile-every-level: every level compiled
#   levels-compileall
#                   python -m compileall -q -f -jN -o 0 -o 1 --hardlink-dupes DIR
#                   (the levels rows only where the binary has
#                   --compile-every-level)
#   fedora-pcb      pycompile-batch --compileall with Fedora's brp flags
#                   (-q -f -o 0 -o 1 -s DIR -p / --hardlink-dupes
#                   --invalidation-mode=unchecked-hash), -jN
#   fedora-compileall-j1, fedora-compileall-jN
#                   python -m compileall with the same flags, at its
#                   default -j1 and at -jN (the fedora rows only where
#                   the binary takes --compileall; ROWS group "fedora")
#   pythons-pcb     pycompile-batch -jN --python=A,B,C: each file for each
#                   interpreter of $PYTHONS (space-separated; ROWS group
#                   "pythons", only where PYTHONS is set)
#   pythons-py3compile
#                   what Debian's py3compile runs for those versions: one
#                   "PY -m py_compile -" per interpreter fed the list, all
#                   at once
#   pythons-compileall-jN
#                   python -m compileall -q -f -jN DIR for each, one after
#                   the other
# Output: "# " header lines (binary, CPU, files, whether the --backend rows
# run); one line per row, "NAME  median S s  runs S S ..." (the runs in
# order); the floor and scaling lines; "ratios of medians:" (pcb -jM / pcb
# -jN, compileall -jN / pcb -jN, processes / subinterpreters, the serial
# peers, --reproducible); no-op and single-file latency lines; then "peak
# RSS", one "  NAME  X MiB" line for pcb-jN, compileall-jN and the backend
# rows: one more cold run each under tests/peakrss.py, which sums VmRSS over
# the whole process tree (parent and worker children) every 5 ms and keeps
# the largest sum.
# Only files that compile are used, so that every tool does the same work
# (python -m py_compile - stops at the first failure).
set -eu
: "${PYTHON:?}" "${PCB:?}"
reps=${REPS:-3}
jobs=${JOBS:-"1 2"}
last=
for j in $jobs; do last=$j; done
here=$(dirname "$0")
backend_env=${PYCOMPILE_BATCH_BACKEND-}
unset PYCOMPILE_BATCH_BACKEND
W=$(mktemp -d "${TMPDIR:-/tmp}/pcb-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT

src=${1:-$("$PYTHON" -c 'import sysconfig; print(sysconfig.get_path("stdlib"))')}
mkdir -p "$W/tree"
(cd "$src" && tar cf - --exclude=site-packages --exclude=__pycache__ --exclude='*.pyc' .) |
    (cd "$W/tree" && tar xf - --wildcards '*.py')
(cd "$W/tree" && find "$PWD" -name '*.py' -print0 | LC_ALL=C sort -z) >"$W/all0"
"$PYTHON" "$here/floor.py" "$W/all0" "$W/list0" >/dev/null 2>&1
tr '\0' '\n' <"$W/list0" >"$W/list"
# Drop the broken files from the tree too, for compileall -j DIR.
tr '\0' '\n' <"$W/all0" | LC_ALL=C sort >"$W/all.s"
LC_ALL=C sort "$W/list" | LC_ALL=C comm -23 "$W/all.s" - | tr '\n' '\0' | xargs -0r rm -f
nall=$(tr -cd '\0' <"$W/all0" | wc -c)
nfiles=$(wc -l <"$W/list")
echo "# $("$PCB" --version | tail -1)"
echo "# $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) CPUs"
echo "# $nfiles files ($((nall - nfiles)) that do not compile left out), $(du -sh "$W/tree" | cut -f1), JOBS=$jobs, $reps repetitions"
if [ -n "$backend_env" ]; then
	echo "# PYCOMPILE_BATCH_BACKEND=$backend_env ignored: pcb-jN rows use the built-in default"
fi

# The --backend rows: by the Python version, then one probe of the binary.
pyver=$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
backends=
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then
	backend_note="skipped: Python $pyver has no own-GIL subinterpreters"
elif ! "$PCB" --backend=processes -V >/dev/null 2>&1; then
	backend_note="skipped: this build has no --backend"
else
	backends="processes subinterpreters"
	backend_note=
fi
# Row name of a backend.
bname() { case $1 in subinterpreters) echo subinterp ;; *) echo "$1" ;; esac; }
echo "# --backend rows (processes vs subinterpreters, -j$last): ${backend_note:-measured}"

# N interleaved slices of the list, for floor-par.
k=0
while [ $k -lt "$last" ]; do
	awk -v n="$last" -v k=$k 'NR % n == k' "$W/list" | tr '\n' '\0' >"$W/slice.$k"
	k=$((k + 1))
done
floor_par() {
	k=0
	while [ $k -lt "$last" ]; do
		"$PYTHON" "$here/floor.py" "$W/slice.$k" "$W/slice.$k.good" &
		k=$((k + 1))
	done
	wait
}

# clean: make the tree cold by moving every __pycache__ aside, not deleting
# it.  On ext4 without a journal (this project's machines), creating inodes
# right after deleting thousands scans the recently deleted ones for each new
# file (the kernel's recently_deleted()), which costs every tool alike and
# varies from run to run: cold -j1 stdlib runs measured 7.4-9.1 s after an
# rm -rf against 7.0-7.1 s after a move, mostly system time.  Installs and
# fresh venvs delete nothing first.  The moved trees go at exit.
clean() {
	"$PYTHON" - "$W" "${1:-$W/tree}" <<'PY'
import os, sys
w, tree = sys.argv[1], sys.argv[2]
os.makedirs(w + "/trash", exist_ok=True)
dest = w + "/trash/%d" % len(os.listdir(w + "/trash"))
os.mkdir(dest)
n = 0
for top, dirs, files in os.walk(tree):
    if "__pycache__" in dirs:
        os.rename(os.path.join(top, "__pycache__"), "%s/%d" % (dest, n))
        dirs.remove("__pycache__")
        n += 1
PY
}
# timed NAME CMD...: one run, seconds appended to $W/t.NAME.
timed() {
	name=$1; shift
	t0=$(date +%s.%N)
	"$@" >/dev/null 2>&1 || echo "$name exited $?" >>"$W/errors"
	t1=$(date +%s.%N)
	echo "$t0 $t1" | awk '{ printf "%.3f\n", $2 - $1 }' >>"$W/t.$name"
}
pcb() { "$PCB" -q -0 "$@" - <"$W/list0"; }
has_incremental=no
"$PCB" --help 2>&1 | grep -q -- --incremental && has_incremental=yes
has_cache=no
"$PCB" --help 2>&1 | grep -q -- --cache= && has_cache=yes
# The warm-cache row's tree: a copy at another path, with other mtimes,
# as a CI job's fresh virtualenv is.
if [ $has_cache = yes ]; then
	mkdir -p "$W/fresh"
	cp -a "$W/tree" "$W/fresh/tree"
	find "$W/fresh/tree" -type f -exec touch -d '2030-01-01 00:00:00' {} +
	sed -z "s|^$W/tree/|$W/fresh/tree/|" "$W/list0" >"$W/fresh/list0"
fi
has_levels=no
"$PCB" --help 2>&1 | grep -q -- --compile-every-level && has_levels=yes
levels="-o 0 -o 1 --hardlink-dupes"
has_fedora=no
"$PCB" --compileall --help >/dev/null 2>&1 && has_fedora=yes
fedora="-q -f -o 0 -o 1 -s $W -p / --hardlink-dupes --invalidation-mode=unchecked-hash"

has_pythons=no
[ -n "${PYTHONS:-}" ] && "$PCB" --help 2>&1 | grep -q -- --python= && has_pythons=yes
# py3compile_like: what py3compile starts, one py_compile per interpreter.
py3compile_like() {
	for py in $PYTHONS; do
		"$py" -m py_compile - <"$W/list" 2>/dev/null &
	done
	wait
}
compileall_each() {
	for py in $PYTHONS; do
		"$py" -m compileall -q -f -j"$last" "$W/tree" >/dev/null 2>&1
	done
}

rows=${ROWS:-base levels cache fedora}
want() { case " $rows " in *" $1 "*) return 0 ;; esac; return 1; }
want levels || has_levels=no
want cache || has_cache=no
want fedora || has_fedora=no
want pythons || has_pythons=no
echo "# ROWS=$rows"
i=0
while [ $i -lt "$reps" ]; do
	if want base; then
		for j in $jobs; do
			clean; timed "pcb-j$j" pcb -j"$j"
		done
		clean; timed "pcb-repro-j$last" pcb -j"$last" --reproducible
		for b in $backends; do
			clean; timed "pcb-$(bname "$b")-j$last" pcb -j"$last" --backend="$b"
		done
		if [ $has_incremental = yes ]; then
			timed noop-pcb pcb -j"$last" --incremental
			timed noop-compileall "$PYTHON" -m compileall -q -j"$last" "$W/tree"
		fi
		clean; timed "compileall-j$last" "$PYTHON" -m compileall -q -f -j"$last" "$W/tree"
	fi
	if [ $has_levels = yes ]; then
		# shellcheck disable=SC2086 # $levels is three words
		clean; timed levels-pcb pcb -j"$last" $levels
		# shellcheck disable=SC2086
		clean; timed levels-pcb-every pcb -j"$last" $levels --compile-every-level
		# shellcheck disable=SC2086
		clean; timed levels-compileall "$PYTHON" -m compileall -q -f -j"$last" $levels "$W/tree"
	fi
	if [ $has_fedora = yes ]; then
		# shellcheck disable=SC2086 # $fedora is several words
		clean; timed fedora-pcb "$PCB" --compileall -j"$last" $fedora "$W/tree"
		# shellcheck disable=SC2086
		clean; timed fedora-compileall-j1 "$PYTHON" -m compileall $fedora "$W/tree"
		# shellcheck disable=SC2086
		clean; timed "fedora-compileall-j$last" "$PYTHON" -m compileall -j"$last" $fedora "$W/tree"
	fi
	if [ $has_pythons = yes ]; then
		clean; timed pythons-pcb pcb -j"$last" --python="$(echo $PYTHONS | tr ' ' ,)"
		clean; timed pythons-py3compile py3compile_like
		clean; timed "pythons-compileall-j$last" compileall_each
	fi
	if [ $has_cache = yes ]; then
		[ -d "$W/cache" ] && mv "$W/cache" "$W/trash/cache.$i"
		clean; timed "cache-cold-j$last" pcb -j"$last" --cache="$W/cache"
		clean "$W/fresh/tree"
		timed "cache-warm-j$last" sh -c '"$1" -q -0 -j"$2" --cache="$3" - <"$4"' sh \
		    "$PCB" "$last" "$W/cache" "$W/fresh/list0"
	fi
	if want base; then
		clean; timed compileall-i "$PYTHON" -m compileall -q -f -i "$W/list"
		clean; timed py_compile sh -c '"$1" -m py_compile - <"$2"' sh "$PYTHON" "$W/list"
		"$PYTHON" "$here/floor.py" "$W/list0" "$W/good.again" 2>/dev/null >>"$W/t.floor"
		timed floor-par floor_par
	fi
	i=$((i + 1))
done

# Single-file latency: a small module, 20 runs each, alternating.
one=$(find "$W/tree" -name '*.py' -size +1k -size -4k | LC_ALL=C sort | head -1)
i=0
want base || i=20
while [ $i -lt 20 ]; do
	timed one-pcb "$PCB" -q "$one"
	timed one-py_compile "$PYTHON" -m py_compile "$one"
	i=$((i + 1))
done

# Peak RSS, whole process tree, one more cold run of each (not timed: the
# sampler takes CPU).  peak NAME CMD...: stdin is the list; MiB to $W/rss.NAME.
peak() {
	name=$1; shift
	clean
	"$PYTHON" "$here/peakrss.py" -o "$W/rss.$name" "$@" <"$W/list0" >/dev/null 2>&1 ||
		echo "$name (peak RSS run) exited $?" >>"$W/errors"
	echo "$name" >>"$W/rss.rows"
}
if want base; then
	for j in $jobs; do
		peak "pcb-j$j" "$PCB" -q -0 -j"$j" -
	done
	peak "compileall-j$last" "$PYTHON" -m compileall -q -f -j"$last" "$W/tree"
	for b in $backends; do
		peak "pcb-$(bname "$b")-j$last" "$PCB" -q -0 -j"$last" --backend="$b" -
	done
fi
[ -f "$W/errors" ] && sed 's/^/# note: /' "$W/errors" | sort | uniq -c

"$PYTHON" - "$W" "$jobs" "$last" "$one" "$(wc -c <"$one")" "$backends" "$backend_note" <<'PY'
import os, re, statistics, sys
w, jobs, last, one, one_size, backends, backend_note = sys.argv[1:8]
jobs = [int(j) for j in jobs.split()]
last = int(last)
short = {"processes": "processes", "subinterpreters": "subinterp"}
def med(name):
    p = "%s/t.%s" % (w, name)
    if not os.path.exists(p):
        return None
    runs = [float(x) for x in open(p)]
    return statistics.median(runs), runs
brows = ["pcb-%s-j%d" % (short[b], last) for b in backends.split()]
rows = (["pcb-j%d" % j for j in jobs] + ["pcb-repro-j%d" % last] + brows +
        ["compileall-j%d" % last, "compileall-i", "py_compile", "floor", "floor-par",
         "noop-pcb", "noop-compileall", "levels-pcb", "levels-pcb-every",
         "levels-compileall", "cache-cold-j%d" % last, "cache-warm-j%d" % last,
         "fedora-pcb", "fedora-compileall-j1", "fedora-compileall-j%d" % last,
         "pythons-pcb", "pythons-py3compile", "pythons-compileall-j%d" % last])
m = {}
for name in rows:
    r = med(name)
    if r is None:
        continue
    m[name] = r[0]
    print("%-18s median %7.3f s  runs %s" % (name, r[0], " ".join("%.2f" % x for x in r[1])))
base = "pcb-j%d" % last in m
pcb = m.get("pcb-j%d" % last)
cj = m.get("compileall-j%d" % last)
floor = m.get("floor")
if base:
    print()
    print("compile floor: %.2f s of CPU; / %d workers = %.2f s; %d floor processes at once: %.2f s wall" % (
        floor, last, floor / last, last, m["floor-par"]))
    print("pcb -j%d is %.2fx the wall of %d floor processes at once" % (last, pcb / m["floor-par"], last))
    for j in jobs:
        t = m["pcb-j%d" % j]
        print("pcb -j%-3d %6.2f s = %.2fx the floor / %d  (scaling efficiency vs -j%d: %s)" % (
            j, t, t / (floor / j), j, jobs[0],
            "%.0f%%" % (100 * m["pcb-j%d" % jobs[0]] * jobs[0] / (t * j))))
    print()
    print("ratios of medians:")
    for j in jobs:
        if j != last:
            print("  %-36s %.2f" % ("pcb -j%d / pcb -j%d" % (j, last), m["pcb-j%d" % j] / pcb))
    print("  %-36s %.2f" % ("compileall -j%d / pcb -j%d" % (last, last), cj / pcb))
    label = "processes / subinterpreters, -j%d" % last
    if brows:
        p, s = m.get(brows[0]), m.get(brows[1])
        print("  %-36s %s" % (label, "%.2f" % (p / s) if p and s else "n/a (a run failed)"))
    else:
        print("  %-36s %s" % (label, backend_note))
    print("  %-36s %.2f" % ("compileall -i / pcb -j%d" % last, m["compileall-i"] / pcb))
    print("  %-36s %.2f" % ("py_compile / pcb -j%d" % last, m["py_compile"] / pcb))
    print("  %-36s %.2f" % ("pcb --reproducible / pcb, -j%d" % last, m["pcb-repro-j%d" % last] / pcb))
if not base:
    pass
elif "noop-pcb" in m:
    print("no-op --incremental: %.3f s vs compileall (up to date) %.3f s: %.1fx faster" % (
        m["noop-pcb"], m["noop-compileall"], m["noop-compileall"] / m["noop-pcb"]))
else:
    print("no-op --incremental: not measured (this build has no --incremental)")
if "cache-warm-j%d" % last in m:
    cc, cw = m["cache-cold-j%d" % last], m["cache-warm-j%d" % last]
    print("--cache, -j%d: cold (filling it) %.2f s, warm (a fresh copy: new paths and mtimes) %.2f s: "
          "cold / warm %.1fx%s" % (last, cc, cw, cc / cw,
                                 ", pcb without a cache / warm %.1fx, compileall / warm %.1fx, "
                                 "filling costs %.0f%%" % (pcb / cw, cj / cw, 100 * (cc / pcb - 1))
                                 if base else ""))
else:
    print("--cache: not measured (not in ROWS, or this build has no --cache)")
if "levels-pcb" in m:
    print("-o 0 -o 1 --hardlink-dupes, -j%d: pcb %.2f s, pcb --compile-every-level %.2f s, "
          "compileall %.2f s: compileall / pcb %.2f, every level / shared %.2f" % (
              last, m["levels-pcb"], m["levels-pcb-every"], m["levels-compileall"],
              m["levels-compileall"] / m["levels-pcb"], m["levels-pcb-every"] / m["levels-pcb"]))
else:
    print("-o 0 -o 1: not measured (not in ROWS, or this build has no --compile-every-level)")
if "fedora-pcb" in m:
    f = m["fedora-pcb"]
    print("Fedora's brp flags (--compileall), -j%d: pcb %.2f s, compileall -j1 %.2f s, compileall -j%d %.2f s: "
          "compileall -j1 / pcb %.2f, compileall -j%d / pcb %.2f" % (
              last, f, m["fedora-compileall-j1"], last, m["fedora-compileall-j%d" % last],
              m["fedora-compileall-j1"] / f, last, m["fedora-compileall-j%d" % last] / f))
else:
    print("Fedora's brp flags: not measured (not in ROWS, or this build has no --compileall)")
if "pythons-pcb" in m:
    p = m["pythons-pcb"]
    print("%s in one command, -j%d: pcb %.2f s, py3compile's py_compile per Python %.2f s, "
          "compileall -j%d per Python %.2f s: py3compile / pcb %.2f, compileall / pcb %.2f" % (
              os.environ.get("PYTHONS"), last, p, m["pythons-py3compile"], last,
              m["pythons-compileall-j%d" % last], m["pythons-py3compile"] / p,
              m["pythons-compileall-j%d" % last] / p))
else:
    print("Several Pythons: not measured (not in ROWS, PYTHONS unset, or no --python)")
if not base:
    sys.exit(0)
a, b = med("one-pcb")[0], med("one-py_compile")[0]
print("one file (%s, %s bytes): pycompile-batch %.1f ms, python -m py_compile %.1f ms: %.1fx faster" % (
    os.path.basename(one), one_size, a * 1000, b * 1000, b / a))
print()
print("peak RSS, whole process tree (parent + workers summed, every 5 ms; one cold run each):")
for name in open(w + "/rss.rows").read().split():
    try:
        mib = open("%s/rss.%s" % (w, name)).read().strip()
    except OSError:
        mib = None
    n = re.match(r"pcb-.*j(\d+)$", name)
    target = "  (target %d MiB)" % (40 + 20 * int(n.group(1))) if n else ""
    print("  %-18s %s%s" % (name, "%6s MiB" % mib if mib else "   n/a", target))
if not brows:
    print("  %-18s %s" % ("pcb-BACKEND-j%d" % last, backend_note))
PY
