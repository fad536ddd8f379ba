#!/bin/sh
# e2e-cache.sh: --cache=DIR, the content-addressed compile cache (cache.h).
# Every run is compared with py_compile on an identical copy (run_pair:
# exit status, messages, .pyc headers identical and code equal, no stray
# file): a cold run that fills the cache, then fresh copies at new paths
# with new mtimes that must be served from it.  Then --reproducible
# byte-identical with and without the cache, bad entries (flipped byte,
# truncated, garbage, a symlink) compiled again, warned about and replaced,
# --cache-read-only writing nothing, concurrent runs on one cache,
# --cache-max-size evicting the least recently used, names that cannot be
# swapped in, a cache that cannot be written, runs that start no Python
# (every file hits) or start it for a second pass, and the usage errors.
. "$PCB_TESTDIR/lib.sh"
unset SOURCE_DATE_EPOCH PYTHONOPTIMIZE PYTHONPYCACHEPREFIX PYCOMPILE_BATCH_CACHE || true

# PCB_TEST_CACHE_ROOT: where the caches go (default: the test's own temp
# directory), e.g. a network file system, to run every check there.
CR=${PCB_TEST_CACHE_ROOT:-$W}
if [ "$CR" != "$W" ]; then
	CR=$(mktemp -d "$CR/pcb-cache.XXXXXX")
	echo "caches under $CR" | note
fi
C=$CR/cache
# A sample of the stdlib (every 16th file, and the broken ones; at least 20
# files of a copy that PCB_STDLIB_SAMPLE made small, so that the cache has
# five entries to damage) and files of our own: one that warns in 3.12+, one
# holding its own stored name as a string, one with a non-ASCII name, and
# two with the same bytes.
copy_stdlib "$W/lib"
k=$(($(find "$W/lib" -name '*.py' | wc -l) / 20))
[ "$k" -le 16 ] || k=16
[ "$k" -ge 1 ] || k=1
(cd "$W/lib" && find . -name '*.py' -print0 | LC_ALL=C sort -z |
    awk -v RS='\0' -v ORS='\0' -v k="$k" 'NR % k == 0 || /bad|tokenizedata/') >"$W/lib.list"
# mk_case NAME: $W/NAME/a/src with the files, mtimes of its own; b a copy.
mk_case() {
	new_case "$1"
	mkdir -p "$W/$1/a/src"
	(cd "$W/lib" && tar cf - --null -T "$W/lib.list") | (cd "$W/$1/a/src" && tar xf -)
	printf 'import re\nr = re.compile("\\d+")\n' >"$W/$1/a/src/warns.py"
	printf 'me = "src/self.py"\n' >"$W/$1/a/src/self.py"
	printf 'x = "\303\251"\n' >"$W/$1/a/src/caf\303\251.py"
	printf 'x = 1\n' >"$W/$1/a/src/same1.py"
	printf 'x = 1\n' >"$W/$1/a/src/same2.py"
	find "$W/$1/a/src" -type f -exec touch -d "$2" {} +
	cp -a "$W/$1/a" "$W/$1/b"
	(cd "$W/$1/a" && find src -name '*.py' -print0 | LC_ALL=C sort -z) >"$W/$1/list"
}
total() { "$PYTHON" -c 'import json, sys; print(json.load(open(sys.argv[1]))["totals"][sys.argv[2]])' "$1" "$2"; }

mk_case cold '2020-01-02 03:04:05'
n=$(tr -cd '\0' <"$W/cold/list" | wc -c)
run_pair cold -j2 --cache="$C" --report="$W/cold/r.json" --
check "cold: the cache has entries and a CACHEDIR.TAG" \
    sh -c '[ -f "$1/CACHEDIR.TAG" ] && [ -n "$(find "$1/v2" -type f | head -1)" ]' - "$C"
# Files whose bytes an earlier file of the list has (empty __init__.py, the
# twins): the only ones an empty cache can serve in a cold run.
dups=$(cd "$W/cold/a" && "$PYTHON" -c '
import sys
seen, dups = set(), 0
for p in open(sys.argv[1], "rb").read().split(b"\0"):
    if p:
        b = open(p, "rb").read()
        dups += b in seen
        seen.add(b)
print(dups)' ../list)
hits=$(total "$W/cold/r.json" cache_hits)
check "cold: $hits hits, only files with an earlier twin ($dups); $(total "$W/cold/r.json" cache_misses) misses" \
    sh -c '[ "$1" -le "$2" ] && [ "$3" -gt 0 ]' - "$hits" "$dups" "$(total "$W/cold/r.json" cache_misses)"
# What a warm run must still compile: files that fail or warn (their
# entries are never stored), and self.py (its code holds its own name).
# cafe.py is not looked up at all (a non-ASCII name).
(cd "$W/cold/a" && tr '\0' '\n' <../list | while IFS= read -r f; do
	[ -f "$(cache_of "$f")" ] || echo "$f"
done) >"$W/cold/failed"
grep -E '^[^ ]+:[0-9]+: [A-Za-z]*Warning: ' "$W/cold/err.a" | cut -d: -f1 | sort -u >"$W/cold/warned" || true
must=$(($(wc -l <"$W/cold/failed") + $(wc -l <"$W/cold/warned") + 1))

# A fresh copy at a new path, with new mtimes: served from the cache.
mk_case warm '2021-06-07 08:09:10'
run_pair warm -j2 --cache="$C" --report="$W/warm/r.json" --
hits=$(total "$W/warm/r.json" cache_hits)
check "warm: $hits of $n files hit; $(total "$W/warm/r.json" cache_misses) compiled, at most the $must that fail, warn or hold their name" \
    sh -c '[ "$1" -le "$2" ] && [ "$3" -gt 0 ]' - "$(total "$W/warm/r.json" cache_misses)" "$must" "$hits"
check "warm: no entry was bad ($(total "$W/warm/r.json" cache_bad))" [ "$(total "$W/warm/r.json" cache_bad)" = 0 ]

# The same with -j1 and the processes backend, and with a stored name (-p).
mk_case procs '2022-01-01 00:00:00'
run_pair procs -j1 --backend=processes --cache="$C" --report="$W/procs/r.json" --
check "processes backend: as many hits ($(total "$W/procs/r.json" cache_hits))" [ "$(total "$W/procs/r.json" cache_hits)" = "$hits" ]
mk_case prefix '2022-01-01 00:00:00'
(cd "$W/prefix/a" && "$PCB" -q -p /usr/lib/pythonX src >/dev/null 2>&1) || true
(cd "$W/prefix/b" && "$PCB" -q -p /usr/lib/pythonX --cache="$C" --report=../r.json src >/dev/null 2>&1) || true
same_pyc "-p with the cache, against -p without" "$W/prefix/cmp" "$W/prefix/a" "$W/prefix/b"
check "-p: hits ($(total "$W/prefix/r.json" cache_hits))" [ "$(total "$W/prefix/r.json" cache_hits)" -ge "$hits" ]

# --reproducible: the same bytes with and without the cache.
mk_case repro '2023-01-01 00:00:00'
(cd "$W/repro/a" && "$PCB" -q -j2 --reproducible -0 - <../list) || true
(cd "$W/repro/b" && "$PCB" -q -j2 --reproducible --cache="$C" -0 - <../list) || true
"$PYTHON" "$PCB_TESTDIR/compare.py" "$W/repro/a" "$W/repro/b" >"$W/repro/cmp" 2>&1 || true
files=$(tail -1 "$W/repro/cmp" | sed -E 's/^files ([0-9]+),.*/\1/')
check "--reproducible from the cache is byte-identical: $(tail -1 "$W/repro/cmp")" \
    grep -qE "^files $files, header-identical $files, byte-identical $files," "$W/repro/cmp"

# Bad entries: a flipped payload byte, a truncation, garbage, a symlink, a
# FIFO (which must not hang the run).
# The runtime record is left alone: a bad one is replaced without a word.
entries=$(find "$C/v2" -type f ! -name '*.*' | LC_ALL=C sort | while IFS= read -r f; do
	grep -q 'pycompile-batch runtime 1' "$f" || echo "$f"
done)
e1=$(echo "$entries" | sed -n 1p) e2=$(echo "$entries" | sed -n 2p)
e3=$(echo "$entries" | sed -n 3p) e4=$(echo "$entries" | sed -n 4p)
e5=$(echo "$entries" | sed -n 5p)
"$PYTHON" - "$e1" "$e2" "$e3" <<'PY'
import sys
b = bytearray(open(sys.argv[1], "rb").read()); b[-1] ^= 1
open(sys.argv[1], "wb").write(b)
b = open(sys.argv[2], "rb").read(); open(sys.argv[2], "wb").write(b[:len(b) // 2])
open(sys.argv[3], "wb").write(b"not an entry at all, but long enough to have a head of 64 bytes ....")
PY
rm -f "$e4" && ln -s /etc/passwd "$e4"
# (A file system without FIFOs, sshfs say, gets garbage there instead.)
rm -f "$e5" && { mkfifo "$e5" 2>/dev/null || echo garbage >"$e5"; }
mk_case corrupt '2024-01-01 00:00:00'
set +e
(cd "$W/corrupt/a" && "$PYTHON" "$PCB_TESTDIR/oracle.py" ../list 2>../err.a)
rc_a=$?
(cd "$W/corrupt/b" && timeout 120 "$PCB" -0 -j2 --cache="$C" --report=../r.json - <../list 2>../err.b)
rc_b=$?
set -e
check "bad entries: exit status $rc_b, py_compile $rc_a" [ "$rc_a" = "$rc_b" ]
# Each file that met a bad entry says so: files with the same bytes (empty
# __init__.py files) under way at once can meet one entry before it is
# replaced, so an entry may be named more than once.
nbad=$(grep -c '^pycompile-batch: warning: cache entry .* is bad (.*): compiled again and replaced$' "$W/corrupt/err.b" || true)
ndistinct=$(sed -n -E 's/^pycompile-batch: warning: cache entry (.*) is bad \(.*\): compiled again and replaced$/\1/p' "$W/corrupt/err.b" | sort -u | wc -l)
check "bad entries: the 5 warned about ($ndistinct, in $nbad warnings), each warning counted ($(total "$W/corrupt/r.json" cache_bad))" \
    sh -c '[ "$1" = 5 ] && [ "$2" = "$3" ]' - "$ndistinct" "$nbad" "$(total "$W/corrupt/r.json" cache_bad)"
grep '^pycompile-batch: warning: cache entry' "$W/corrupt/err.b" | sed 's/^.*is bad/is bad/' | sort | uniq -c | note
grep -v '^pycompile-batch: warning: cache entry' "$W/corrupt/err.b" >"$W/corrupt/err.b2" || true
mv "$W/corrupt/err.b2" "$W/corrupt/err.b"
same_messages corrupt "$W/corrupt"
same_pyc corrupt "$W/corrupt/cmp" "$W/corrupt/a" "$W/corrupt/b"
check "bad entries were replaced by good ones" \
    sh -c '[ -f "$1" ] && [ ! -L "$4" ] && [ -f "$4" ] && [ -f "$5" ] && ! cmp -s "$1" "$3"' - "$e1" "$e2" "$e3" "$e4" "$e5"
mk_case again '2024-02-01 00:00:00'
run_pair again -j2 --cache="$C" --report="$W/again/r.json" --
check "after replacement: no bad entry ($(total "$W/again/r.json" cache_bad))" [ "$(total "$W/again/r.json" cache_bad)" = 0 ]

# --cache-read-only: an empty cache stays empty; a full one is not touched.
mkdir -p "$CR/ro-empty"
mk_case ro '2024-03-01 00:00:00'
run_pair ro -j2 --cache="$CR/ro-empty" --cache-read-only --
check "--cache-read-only on an empty cache wrote nothing" [ -z "$(ls -A "$CR/ro-empty")" ]
find "$C" -type f -exec touch -d '2001-01-01' {} +
listing "$C" >"$W/ro.before"
find "$C" -type f -newermt '2001-01-02' >"$W/ro.newer"
mk_case ro2 '2024-03-02 00:00:00'
run_pair ro2 -j2 --cache="$C" --cache-read-only --report="$W/ro2/r.json" --
listing "$C" >"$W/ro.after"
check "--cache-read-only on a full cache: hits ($(total "$W/ro2/r.json" cache_hits)), no file added, removed or touched" \
    sh -c 'cmp -s "$1" "$2" && [ -z "$(find "$3" -type f -newermt 2001-01-02)" ] && [ "$4" -gt 0 ]' - \
    "$W/ro.before" "$W/ro.after" "$C" "$(total "$W/ro2/r.json" cache_hits)"

# Concurrent runs on one new cache: each right, no temp file left.
C2=$CR/cache2
for k in 1 2 3; do mk_case "conc$k" "2025-01-0$k 00:00:00"; done
set +e
for k in 1 2 3; do
	(cd "$W/conc$k/b" && "$PCB" -q -0 -j2 --cache="$C2" - <../list 2>/dev/null) &
done
wait
set -e
for k in 1 2 3; do
	(cd "$W/conc$k/a" && "$PYTHON" "$PCB_TESTDIR/oracle.py" ../list 2>/dev/null) || true
	same_pyc "concurrent run $k" "$W/conc$k/cmp" "$W/conc$k/a" "$W/conc$k/b"
done
check "concurrent runs left no temp file in the cache" [ -z "$(find "$C2" -name '*.*' ! -name CACHEDIR.TAG)" ]

# --cache-max-size: least recently used entries go first, to 90% of it:
# half the entries made old, a limit that holds the recent half and more.
files=$(find "$C2/v2" -type f | LC_ALL=C sort)
half=$(($(echo "$files" | wc -l) / 2))
echo "$files" | head -n "$half" | xargs touch -d '2001-01-01'
echo "$files" | tail -n +"$((half + 1))" >"$W/recent"
recent=$(xargs stat -c %s <"$W/recent" | awk '{ s += $1 } END { print s }')
limit=$((recent * 12 / 10 + 4096))
mk_case evict '2025-02-01 00:00:00'
printf 'y = 2\n' >"$W/evict/b/one.py"
# An entry of the first format (BLAKE2b keys, DIR/v1) is never read: it goes.
mkdir -p "$C2/v1/ab"
printf 'old entry\n' >"$C2/v1/ab/cdef"
(cd "$W/evict/b" && "$PCB" -q --cache="$C2" --cache-max-size="$limit" one.py)
check "--cache-max-size removes an older format's entries (DIR/v1)" [ ! -e "$C2/v1" ]
left=$(find "$C2/v2" -type f | xargs stat -c %s | awk '{ s += $1 } END { print s }')
old=$(find "$C2/v2" -type f ! -newermt '2001-01-02' | wc -l)
kept=$(xargs ls 2>/dev/null <"$W/recent" | wc -l)
check "--cache-max-size=$limit: $left bytes left, $old of $half old entries left, $kept of $(wc -l <"$W/recent") recent kept" \
    sh -c '[ "$1" -le "$2" ] && [ "$3" -lt "$6" ] && [ "$4" = "$5" ]' - "$left" "$limit" "$old" "$kept" "$(wc -l <"$W/recent")" "$half"

# A cache that cannot be written: files compile, one warning at the end.
mk_case nowrite '2025-03-01 00:00:00'
: >"$W/plainfile"
set +e
(cd "$W/nowrite/b" && "$PCB" -0 -j2 --cache="$W/plainfile/cache" - <../list 2>../err.b)
rc_b=$?
(cd "$W/nowrite/a" && "$PYTHON" "$PCB_TESTDIR/oracle.py" ../list 2>../err.a)
rc_a=$?
set -e
check "unwritable cache: exit status $rc_b, py_compile $rc_a" [ "$rc_a" = "$rc_b" ]
check "unwritable cache: one warning says so" \
    grep -qE '^pycompile-batch: warning: [0-9]+ cache entries could not be stored in .*/plainfile/cache: Not a directory$' "$W/nowrite/err.b"
grep -v '^pycompile-batch: warning: [0-9]* cache entries' "$W/nowrite/err.b" >"$W/nowrite/err.b2" || true
mv "$W/nowrite/err.b2" "$W/nowrite/err.b"
same_messages nowrite "$W/nowrite"
same_pyc nowrite "$W/nowrite/cmp" "$W/nowrite/a" "$W/nowrite/b"

# A warning a compile kept quiet about is not proof of a clean file: a
# level that warned at level 0 (3.13.4 to 3.13.8 and 3.14.0 say it once
# per process) is not stored for level 1.  And "__main__.py" is never
# served: 3.9 to 3.11 show its DeprecationWarnings (module "__main__") and
# hide everyone else's, so the same bytes warn there and not elsewhere.
mkdir -p "$W/quiet/a" "$W/quiet/m"
printf 'x = 1
assert (x, "always true")
' >"$W/quiet/a/w.py"
printf 's = "\d"
' >"$W/quiet/a/other.py"
(cd "$W/quiet/a" && "$PCB" -q -o 0 -o 1 --cache="$CR/cache4" w.py other.py) || true
cp "$W/quiet/a/w.py" "$W/quiet/m/w.py"
cp "$W/quiet/a/other.py" "$W/quiet/m/__main__.py"
cp -a "$W/quiet/m" "$W/quiet/o"
set +e
(cd "$W/quiet/m" && "$PCB" -o 1 --cache="$CR/cache4" w.py __main__.py 2>../err.b)
rc_b=$?
(cd "$W/quiet/o" && printf '%s\0' w.py __main__.py >../list2 && "$PYTHON" "$PCB_TESTDIR/oracle.py" ../list2 1 2>../err.a)
rc_a=$?
set -e
check "quiet compiles and __main__.py: exit status $rc_b, py_compile $rc_a" [ "$rc_a" = "$rc_b" ]
same_messages "quiet compiles and __main__.py" "$W/quiet"

# Two files with the same warning on the same line, at -j1 in one
# interpreter: each warns, as py_compile in a process of its own does
# (3.13.4 to 3.13.8 and 3.14.0 kept quiet about the second), and neither
# is stored clean.
mkdir -p "$W/twins/a" "$W/twins/b"
for f in t1 t2; do printf 'import re\nr = re.compile("\\d")\n' >"$W/twins/a/$f.py"; done
cp "$W/twins/a/"*.py "$W/twins/b/"
set +e
for f in t1 t2; do
	(cd "$W/twins/a" && printf '%s\0' "$f.py" >../list.$f && "$PYTHON" "$PCB_TESTDIR/oracle.py" ../list.$f 2>>../err.a)
done
(cd "$W/twins/b" && "$PCB" -j1 --cache="$CR/cache5" t1.py t2.py 2>../err.b)
set -e
same_messages "same warning, same line, two files" "$W/twins"

# --- Without Python --------------------------------------------------------
# The first run that starts Python records its runtime in the cache; after
# it a fresh copy whose every file hits is written without starting Python,
# and a file that needs a compile starts it for a second pass, from that
# file on, in input order.  mk_plain NAME DATE: 60 small modules in three
# packages, then the same steps as mk_case.
mk_plain() {
	new_case "$1"
	for i in $(seq 10 69); do
		mkdir -p "$W/$1/a/src/p$((i % 3))"
		printf '"""Module %s."""\nX = %s\n\n\ndef f(a):\n    return a * X\n' "$i" "$i" \
		    >"$W/$1/a/src/p$((i % 3))/m$i.py"
	done
	find "$W/$1/a/src" -type f -exec touch -d "$2" {} +
	cp -a "$W/$1/a" "$W/$1/b"
	(cd "$W/$1/a" && find src -name '*.py' -print0 | LC_ALL=C sort -z) >"$W/$1/list"
}
started() { total "$W/$1/r.json" python_started; }
C6=$CR/cache6
mk_plain nopy1 '2020-01-01 00:00:00'
run_pair nopy1 -j2 --cache="$C6" --report="$W/nopy1/r.json" --
record=$(grep -rl 'pycompile-batch runtime 1' "$C6/v2" || true)
check "first run: Python started ($(started nopy1)), its runtime recorded (${record:+one record})" \
    sh -c '[ "$1" = True ] && [ -n "$2" ]' - "$(started nopy1)" "$record"
mk_plain nopy2 '2021-01-01 00:00:00'
run_pair nopy2 -j2 --cache="$C6" --report="$W/nopy2/r.json" --
check "every file hit ($(total "$W/nopy2/r.json" cache_hits) of 60): Python not started ($(started nopy2))" \
    sh -c '[ "$1" = 60 ] && [ "$2" = False ]' - "$(total "$W/nopy2/r.json" cache_hits)" "$(started nopy2)"
mk_plain nopy3 '2021-02-01 00:00:00'
run_pair nopy3 -j1 --backend=processes --cache="$C6" --report="$W/nopy3/r.json" --
check "-j1 --backend=processes, every file hit: Python not started ($(started nopy3))" [ "$(started nopy3)" = False ]

# A new file in the middle: a second pass with Python, reports in order.
mk_plain nopy4 '2021-03-01 00:00:00'
printf 'NEW = 1\n' >"$W/nopy4/a/src/p1/m40b.py"
cp -a "$W/nopy4/a/src/p1/m40b.py" "$W/nopy4/b/src/p1/m40b.py"
(cd "$W/nopy4/a" && find src -name '*.py' -print0 | LC_ALL=C sort -z) >"$W/nopy4/list"
run_pair nopy4 -j2 --cache="$C6" --report="$W/nopy4/r.json" --
check "one new file: Python started ($(started nopy4)), $(total "$W/nopy4/r.json" cache_hits) hits, $(total "$W/nopy4/r.json" cache_misses) miss" \
    sh -c '[ "$1" = True ] && [ "$2" = 60 ] && [ "$3" = 1 ]' - "$(started nopy4)" \
    "$(total "$W/nopy4/r.json" cache_hits)" "$(total "$W/nopy4/r.json" cache_misses)"
check "one new file: the report lists every file in input order" "$PYTHON" -c '
import json, sys
got = [r["path"] for r in json.load(open(sys.argv[1]))["files"]]
want = [p.decode() for p in open(sys.argv[2], "rb").read().split(b"\0") if p]
sys.exit(got != want)' "$W/nopy4/r.json" "$W/nopy4/list"

# --fail-fast at -j1: a broken file in the middle stops the run where a
# run without the cache stops.
mk_plain nopy5 '2021-04-01 00:00:00'
for t in a b; do printf 'def (\n' >"$W/nopy5/$t/src/p1/m40b.py"; done
(cd "$W/nopy5/a" && find src -name '*.py' -print0 | LC_ALL=C sort -z) >"$W/nopy5/list"
set +e
(cd "$W/nopy5/a" && "$PCB" -0 -j1 --fail-fast --report=../ra.json - <../list 2>/dev/null)
rc_a=$?
(cd "$W/nopy5/b" && "$PCB" -0 -j1 --fail-fast --cache="$C6" --report=../r.json - <../list 2>/dev/null)
rc_b=$?
set -e
check "--fail-fast from the cache: exit $rc_b, without the cache $rc_a; the same outcome for every file" "$PYTHON" -c '
import json, sys
def out(p):
    return [(r["path"], r["status"]) for r in json.load(open(p))["files"]]
sys.exit(out(sys.argv[1]) != out(sys.argv[2]) or sys.argv[3] != sys.argv[4])' \
    "$W/nopy5/ra.json" "$W/nopy5/r.json" "$rc_a" "$rc_b"

# --fail-fast at -j2 with a missing file right after a file put back: the
# failure is reported and fails the run (it was lost, exit 0, in 11 of 40
# runs before the fix), and the file put back is compiled; ten runs (three
# under PCB_STDLIB_SAMPLE, CI's sampled runs).
mk_plain nopy10 '2021-04-02 00:00:00'
(cd "$W/nopy10/b" && "$PCB" -q -0 -j2 --cache="$C6" - <../list)
(cd "$W/nopy10/b" && tr '\0' '\n' <../list | sed -n 1,20p; echo src/nope.py; tr '\0' '\n' <../list | sed -n '21,$p') >"$W/nopy10/list2"
lost=0
runs=10
[ "${PCB_STDLIB_SAMPLE:-1}" -le 1 ] || runs=3
for k in $(seq 1 $runs); do
	printf 'W = %s\n' "$k" >"$W/nopy10/b/$(sed -n 20p "$W/nopy10/list2")"
	find "$W/nopy10/b" -name __pycache__ -prune -exec rm -rf {} +
	set +e
	(cd "$W/nopy10/b" && "$PCB" -j2 --fail-fast --cache="$C6" --report=../r.json - <../list2 2>../err)
	rc=$?
	set -e
	"$PYTHON" -c '
import json, sys
f = {r["path"]: r["status"] for r in json.load(open(sys.argv[1]))["files"]}
sys.exit(not (sys.argv[2] == "1" and f["src/nope.py"] == "failed" and f[sys.argv[3]] == "compiled"))' \
	    "$W/nopy10/r.json" "$rc" "$(sed -n 20p "$W/nopy10/list2")" || lost=$((lost + 1))
done
check "--fail-fast -j2, a missing file after a file put back: failed and reported in every run ($lost of $runs not)" [ "$lost" = 0 ]

# One source under two spellings, the first put back (__main__.py never
# goes through the cache) and the second a hit: the last spelling wins, as
# with py_compile (the first won in 9 of 100 runs before the fix); 20 runs
# (5 under PCB_STDLIB_SAMPLE).
mkdir -p "$W/spell"
printf 'S = 1\n' >"$W/spell/__main__.py"
(cd "$W/spell" && "$PCB" -q --cache="$C6" ./__main__.py)
wrong=0
runs=20
[ "${PCB_STDLIB_SAMPLE:-1}" -le 1 ] || runs=5
for k in $(seq 1 $runs); do
	rm -rf "$W/spell/__pycache__"
	(cd "$W/spell" && "$PCB" -q -j2 --cache="$C6" __main__.py ./__main__.py)
	name=$("$PYTHON" -c '
import marshal, sys
print(marshal.loads(open(sys.argv[1], "rb").read()[16:]).co_filename)' "$W/spell/__pycache__/$(basename "$(cache_of "$W/spell/__main__.py")")")
	[ "$name" = ./__main__.py ] || wrong=$((wrong + 1))
done
check "two spellings, the first put back: the last one's name is stored ($wrong of $runs runs not)" [ "$wrong" = 0 ]

# A read that never returns (a FIFO nobody writes) after a file put back:
# --fail-fast with a missing file, and a stop signal, end the run as they
# do without the cache (the first hung until killed before a review's fix,
# the second lost the file put back): same exit status, same outcome for
# every file.  outcomes NAME: the report's statuses, one line.
outcomes() { "$PYTHON" -c '
import json, sys
print(" ".join("%s=%s" % (r["path"], r["status"]) for r in json.load(open(sys.argv[1]))["files"]))' "$1"; }
mkdir -p "$W/fifo"
printf 'a = 1\n' >"$W/fifo/a.py"
(cd "$W/fifo" && "$PCB" -q --cache="$C6" a.py && mkfifo fifo.py)
"$PYTHON" -c 'open("big.py", "w").write("X = %r\n" % ("ab" * 4000000))' && mv big.py "$W/fifo/"
for mode in with without; do
	c=
	[ $mode = with ] && c=--cache=$C6
	rm -rf "$W/fifo/__pycache__"
	set +e
	(cd "$W/fifo" && timeout 60 "$PCB" -j2 --fail-fast $c --report=ff.$mode.json big.py nope.py fifo.py 2>/dev/null)
	echo $? >"$W/fifo/ff.$mode.rc"
	printf 'n = "%s"\n' "$mode" >"$W/fifo/new.py"
	rm -rf "$W/fifo/__pycache__"
	# SIGINT once new.py's .pyc is there (the run then waits on the FIFO).
	(cd "$W/fifo" && exec "$PCB" -j2 $c --report=int.$mode.json a.py new.py fifo.py 2>/dev/null) &
	pid=$!
	k=0
	while [ ! -f "$(cache_of "$W/fifo/new.py")" ] && [ $k -lt 600 ]; do
		sleep 0.1
		k=$((k + 1))
	done
	sleep 0.2
	kill -INT $pid
	wait $pid
	echo $? >"$W/fifo/int.$mode.rc"
	set -e
done
for t in ff int; do
	check "$t, a FIFO read after a file put back: exit $(cat "$W/fifo/$t.with.rc") with the cache, $(cat "$W/fifo/$t.without.rc") without; $(outcomes "$W/fifo/$t.with.json") / without: $(outcomes "$W/fifo/$t.without.json")" \
	    sh -c '[ "$(cat "$1.with.rc")" = "$(cat "$1.without.rc")" ] && [ "$2" = "$3" ]' - "$W/fifo/$t" \
	    "$(outcomes "$W/fifo/$t.with.json")" "$(outcomes "$W/fifo/$t.without.json")"
done

# A damaged record is not used, and is made again.
"$PYTHON" - "$record" <<'PY'
import sys
b = bytearray(open(sys.argv[1], "rb").read()); b[-2] ^= 1
open(sys.argv[1], "wb").write(b)
PY
mk_plain nopy6 '2021-05-01 00:00:00'
run_pair nopy6 -j2 --cache="$C6" --report="$W/nopy6/r.json" --
mk_plain nopy7 '2021-06-01 00:00:00'
run_pair nopy7 -j2 --cache="$C6" --report="$W/nopy7/r.json" --
check "a damaged runtime record: Python started ($(started nopy6)), the record made again: not started next ($(started nopy7))" \
    sh -c '[ "$1" = True ] && [ "$2" = False ]' - "$(started nopy6)" "$(started nopy7)"

# Another PYTHONPYCACHEPREFIX is another runtime: recorded once, then the
# files land under that prefix without Python.
export PYTHONPYCACHEPREFIX="$W/pfx"
for k in 8 9; do
	mk_plain nopy$k "2021-07-0$k 00:00:00"
	(cd "$W/nopy$k/b" && "$PCB" -q -0 -j2 --cache="$C6" --report=../r.json - <../list)
done
missing=$(cd "$W/nopy9/b" && tr '\0' '\n' <../list | while IFS= read -r f; do
	[ -f "$(cache_of "$PWD/$f")" ] || echo "$f"
done | wc -l)
check "PYTHONPYCACHEPREFIX: Python started for it ($(started nopy8)), then not ($(started nopy9)); $missing .pyc missing under the prefix" \
    sh -c '[ "$1" = True ] && [ "$2" = False ] && [ "$3" = 0 ]' - "$(started nopy8)" "$(started nopy9)" "$missing"
unset PYTHONPYCACHEPREFIX

# PYCOMPILE_BATCH_CACHE names the cache; usage errors.
printf 'z = 3\n' >"$W/env.py"
PYCOMPILE_BATCH_CACHE=$CR/cache3 "$PCB" -q "$W/env.py"
check "PYCOMPILE_BATCH_CACHE is used" [ -n "$(find "$CR/cache3/v2" -type f 2>/dev/null | head -1)" ]
for args in "--cache-read-only" "--cache-max-size=1M" "--cache=$C --cache-max-size=abc" "--cache=$C --cache-max-size=0"; do
	set +e
	# shellcheck disable=SC2086
	"$PCB" $args "$W/env.py" 2>"$W/usage.err"
	rc=$?
	set -e
	check "usage error for $args: exit $rc, $(head -1 "$W/usage.err")" [ "$rc" = 2 ]
done
[ "$CR" = "$W" ] || rm -rf "$CR"
