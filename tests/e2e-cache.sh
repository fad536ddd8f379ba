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
# swapped in, a cache that cannot be written, and the usage errors.
. "$PCB_TESTDIR/lib.sh"
unset SOURCE_DATE_EPOCH PYTHONOPTIMIZE PYTHONPYCACHEPREFIX PYCOMPILE_BATCH_CACHE || true

C=$W/cache
# A sample of the stdlib (every 16th file, and the broken ones) and files
# of our own: one that warns in 3.12+, one holding its own stored name as a
# string, one with a non-ASCII name, and two with the same bytes.
copy_stdlib "$W/lib"
(cd "$W/lib" && find . -name '*.py' -print0 | LC_ALL=C sort -z |
    awk -v RS='\0' -v ORS='\0' 'NR % 16 == 0 || /bad|tokenizedata/') >"$W/lib.list"
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
entries=$(find "$C/v2" -type f ! -name '*.*' | LC_ALL=C sort)
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
rm -f "$e5" && mkfifo "$e5"
mk_case corrupt '2024-01-01 00:00:00'
set +e
(cd "$W/corrupt/a" && "$PYTHON" "$PCB_TESTDIR/oracle.py" ../list 2>../err.a)
rc_a=$?
(cd "$W/corrupt/b" && timeout 120 "$PCB" -0 -j2 --cache="$C" --report=../r.json - <../list 2>../err.b)
rc_b=$?
set -e
check "bad entries: exit status $rc_b, py_compile $rc_a" [ "$rc_a" = "$rc_b" ]
nbad=$(grep -c '^pycompile-batch: warning: cache entry .* is bad (.*): compiled again and replaced$' "$W/corrupt/err.b" || true)
check "bad entries: 5 warned about ($nbad), 5 counted ($(total "$W/corrupt/r.json" cache_bad))" \
    sh -c '[ "$1" = 5 ] && [ "$2" = 5 ]' - "$nbad" "$(total "$W/corrupt/r.json" cache_bad)"
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
mkdir -p "$W/ro-empty"
mk_case ro '2024-03-01 00:00:00'
run_pair ro -j2 --cache="$W/ro-empty" --cache-read-only --
check "--cache-read-only on an empty cache wrote nothing" [ -z "$(ls -A "$W/ro-empty")" ]
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
C2=$W/cache2
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
(cd "$W/evict/b" && "$PCB" -q --cache="$C2" --cache-max-size="$limit" one.py)
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
(cd "$W/quiet/a" && "$PCB" -q -o 0 -o 1 --cache="$W/cache4" w.py other.py) || true
cp "$W/quiet/a/w.py" "$W/quiet/m/w.py"
cp "$W/quiet/a/other.py" "$W/quiet/m/__main__.py"
cp -a "$W/quiet/m" "$W/quiet/o"
set +e
(cd "$W/quiet/m" && "$PCB" -o 1 --cache="$W/cache4" w.py __main__.py 2>../err.b)
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
(cd "$W/twins/b" && "$PCB" -j1 --cache="$W/cache5" t1.py t2.py 2>../err.b)
set -e
same_messages "same warning, same line, two files" "$W/twins"

# PYCOMPILE_BATCH_CACHE names the cache; usage errors.
printf 'z = 3\n' >"$W/env.py"
PYCOMPILE_BATCH_CACHE=$W/cache3 "$PCB" -q "$W/env.py"
check "PYCOMPILE_BATCH_CACHE is used" [ -n "$(find "$W/cache3/v2" -type f 2>/dev/null | head -1)" ]
for args in "--cache-read-only" "--cache-max-size=1M" "--cache=$C --cache-max-size=abc" "--cache=$C --cache-max-size=0"; do
	set +e
	# shellcheck disable=SC2086
	"$PCB" $args "$W/env.py" 2>"$W/usage.err"
	rc=$?
	set -e
	check "usage error for $args: exit $rc, $(head -1 "$W/usage.err")" [ "$rc" = 2 ]
done
