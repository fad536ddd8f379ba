#!/bin/sh
# e2e-batch.sh: --incremental, --report, -v and --progress.
. "$PCB_TESTDIR/lib.sh"
unset SOURCE_DATE_EPOCH PYTHONOPTIMIZE PYTHONPYCACHEPREFIX || true
cd "$W"

# A clean tree of 40 sources in 4 packages.
mkdir -p inc
for p in 0 1 2 3; do
	mkdir -p "inc/pkg$p"
	for f in 0 1 2 3 4 5 6 7 8 9; do
		printf 'def f%s():\n    return %s + %s\n' "$f" "$p" "$f" >"inc/pkg$p/m$f.py"
	done
done
# stamps: every .pyc with its inode and mtime (a rewrite changes both).
stamps() { (cd inc && find . -name '*.pyc' -printf '%P %i %T@\n' | LC_ALL=C sort); }
changed() { LC_ALL=C comm -3 "$1" "$2" | awk '{print $1}' | LC_ALL=C sort -u | wc -l; }

check "-u first run compiles everything" "$PCB" -q -u --report=r1.json inc
count=$(find inc -name '*.pyc' | wc -l)
check "-u first run: 40 .pyc files ($count)" [ "$count" = 40 ]
stamps >s1
sleep 0.01
check "-u second run exits 0" "$PCB" -q -u --report=r2.json inc
stamps >s2
check "-u second run rewrote no .pyc ($(changed s1 s2) changed)" cmp -s s1 s2
check "-u second run: report says 40 skipped, 0 compiled" "$PYTHON" -c '
import json, sys
t = json.load(open(sys.argv[1]))["totals"]
sys.exit(not (t["skipped"] == 40 and t["compiled"] == 0 and t["failed"] == 0))' r2.json

touch -d '2001-02-03 04:05:06' inc/pkg2/m7.py
"$PCB" -q -u inc
stamps >s3
check "touching one source rewrote exactly one .pyc ($(changed s2 s3))" [ "$(changed s2 s3)" = 1 ]
check "... and it is that source's" sh -c 'LC_ALL=C comm -3 s2 s3 | grep -q "pkg2/__pycache__/m7\."'

"$PCB" -q -u --invalidation-mode=checked-hash inc
stamps >s4
check "switching to checked-hash rewrote all 40 ($(changed s3 s4))" [ "$(changed s3 s4)" = 40 ]
"$PCB" -q -u --invalidation-mode=checked-hash inc
stamps >s5
check "checked-hash, second run rewrote none ($(changed s4 s5))" [ "$(changed s4 s5)" = 0 ]
"$PCB" -q -u --invalidation-mode=unchecked-hash inc
stamps >s6
check "switching to unchecked-hash (flags word) rewrote all 40 ($(changed s5 s6))" [ "$(changed s5 s6)" = 40 ]

# Same size, same mtime, other bytes: only the hash can tell (gh-121577).
cp -p inc/pkg1/m3.py m3.keep
printf 'def f3():\n    return 9 + 9\n' >inc/pkg1/m3.py
touch -r m3.keep inc/pkg1/m3.py
"$PCB" -q -u --invalidation-mode=unchecked-hash inc
stamps >s7
check "unchecked-hash: a same-size same-mtime edit is still noticed ($(changed s6 s7))" [ "$(changed s6 s7)" = 1 ]

# Damaged .pyc files are rebuilt.
c1=$(cd inc && cache_of pkg0/m1.py)
c2=$(cd inc && cache_of pkg0/m2.py)
c3=$(cd inc && cache_of pkg0/m3.py)
"$PCB" -q inc # timestamp again, everything fresh
head -c 10 "inc/$c1" >t && cat t >"inc/$c1"
head -c 16 "inc/$c2" >t && cat t >"inc/$c2"
printf '\0\0\0\0' | dd of="inc/$c3" conv=notrunc 2>/dev/null
stamps >s8
"$PCB" -q -u inc
stamps >s9
check "truncated (10, 16 bytes) and bad-magic .pyc files rebuilt, only those ($(changed s8 s9))" [ "$(changed s8 s9)" = 3 ]

# A new level is noticed.  As in compileall, a file is compiled whole: when
# one level's .pyc is stale, every level is written again.
"$PCB" -q -u -o 0 -o 1 inc
stamps >s10
n1=$(find inc -name '*.opt-1.pyc' | wc -l)
check "-u -o 0 -o 1 added 40 .opt-1 files ($n1)" [ "$n1" = 40 ]
check "... and rewrote the 40 level-0 ones too ($(changed s9 s10) of 80 changed)" [ "$(changed s9 s10)" = 80 ]
"$PCB" -q -u -o 0 -o 1 inc
stamps >s11
check "-u -o 0 -o 1 again rewrote none ($(changed s10 s11))" [ "$(changed s10 s11)" = 0 ]

# What -u leaves is what a full compile gives.
mkdir full && cp -a inc full/inc
find full/inc -name '*.pyc' -delete
(cd full && "$PCB" -q -o 0 -o 1 inc)
check "-u result equals a full compile" sh -c '"$PYTHON" "$PCB_TESTDIR/compare.py" inc full/inc >/dev/null'

# --report: counts match reality; names with control characters and bytes
# that are not UTF-8 survive.
mkdir -p rep/sub
printf 'x = 1\n' >rep/a.py
printf 'x = 1\n' >"rep/$(printf 'tab\there\001\377.py')"
printf 'x = 1\n' >"rep/$(printf 'new\nline "q" \\.py')"
printf 'x = (\n' >rep/sub/broken.py
printf 'x = 1\n' >rep/sub/skipme.py
set +e
"$PCB" -q -o 0 -o 2 -x skipme --report=rep.json rep missing.py
rc=$?
set -e
check "--report run: exit 1 ($rc)" [ "$rc" = 1 ]
check "--report: parses, counts and records match the tree" "$PYTHON" - rep.json <<'PY'
import json, os, sys
d = json.load(open(sys.argv[1]))
recs, t = d["files"], d["totals"]
by = {}
for r in recs:
    by.setdefault(r["status"], []).append(os.fsencode(r["path"]))
want_compiled = sorted([b"rep/a.py", b"rep/tab\there\x01\xff.py", b'rep/new\nline "q" \\.py'])
ok = True
ok &= sorted(by.get("compiled", [])) == want_compiled
ok &= sorted(by.get("failed", [])) == [b"missing.py", b"rep/sub/broken.py"]
ok &= by.get("excluded") == [b"rep/sub/skipme.py"]
ok &= (t["files"], t["compiled"], t["failed"], t["excluded"], t["skipped"]) == (6, 3, 2, 1, 0)
ok &= isinstance(t["seconds"], float)
for r in recs:
    if r["status"] == "compiled":
        ok &= len(r["cfiles"]) == 2 and all(os.path.isfile(os.fsencode(c)) for c in r["cfiles"])
        ok &= r["error"] is None
    if r["status"] == "failed":
        ok &= isinstance(r["error"], str) and r["error"] != ""
pycs = sum(len([n for n in fs if n.endswith(b".pyc")]) for _, _, fs in os.walk(b"rep"))
ok &= pycs == 2 * t["compiled"]
sys.exit(0 if ok else 1)
PY

# -v: compileall's "Compiling" lines, in input order whatever -j, then a summary.
mkdir -p verb
cp -a inc verb/t
find verb/t -name '*.pyc' -delete
printf 'x = (\n' >verb/t/pkg1/zbad.py
(cd verb && "$PYTHON" -m compileall -f t >ca.out 2>&1) || true
find verb/t -name '__pycache__' -prune -exec rm -rf {} +
set +e
(cd verb && "$PCB" -j4 -v t >pcb.out 2>pcb.err)
set -e
grep '^Compiling' verb/ca.out >verb/ca.lines
grep '^Compiling' verb/pcb.out >verb/pcb.lines
check "-v: $(wc -l <verb/pcb.lines) Compiling lines, same as compileall's, same order" cmp -s verb/ca.lines verb/pcb.lines
check "-v: summary line counts 40 compiled and 1 failed" grep -qE '^40 compiled, 0 skipped, 1 failed, 0 excluded in [0-9.]+ s$' verb/pcb.out

# --progress: never on a non-terminal unless asked.
"$PCB" inc 2>prog.auto
check "--progress=auto, stderr not a terminal: nothing on stderr" [ ! -s prog.auto ]
"$PCB" --progress=always inc 2>prog.always
check "--progress=always: a progress line with the count" grep -q '40/40 files' prog.always
"$PCB" --progress=never inc 2>prog.never
check "--progress=never: nothing" [ ! -s prog.never ]
if command -v script >/dev/null 2>&1; then
	script -qec "\"$PCB\" inc" /dev/null >prog.tty 2>&1 </dev/null || true
	check "--progress=auto on a terminal: a progress line" grep -q 'files/s' prog.tty
	script -qec "\"$PCB\" -q inc" /dev/null >prog.ttyq 2>&1 </dev/null || true
	check "--progress=auto on a terminal with -q: none" sh -c '! grep -q "files/s" prog.ttyq'
else
	not_ok "script(1) is missing: cannot test a terminal"
fi
