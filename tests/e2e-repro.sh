#!/bin/sh
# e2e-repro.sh: --reproducible.  The linked Python's stdlib (every 3rd
# file) compiled in different orders, with different -j and one file at a
# time gives the same .pyc bytes; those files hold code equal to
# py_compile's and import takes them without recompiling; SOURCE_DATE_EPOCH
# makes trees with different mtimes give identical .pyc trees.
. "$PCB_TESTDIR/lib.sh"
unset SOURCE_DATE_EPOCH PYTHONOPTIMIZE PYTHONPYCACHEPREFIX || true

# Every 3rd file of the stdlib copy (and every broken one): each order below
# is a compile of the whole list, and py_compile one more (e2e-stdlib
# compares the whole stdlib with py_compile).
copy_stdlib "$W/src"
(cd "$W/src" && find . -name '*.py' -printf '%P\0' | LC_ALL=C sort -z | every 3 keep-broken) >"$W/sorted"
tr '\0' '\n' <"$W/sorted" | tac | tr '\n' '\0' >"$W/reversed"
"$PYTHON" -c '
import random, sys
names = open(sys.argv[1], "rb").read().split(b"\0")[:-1]
random.Random(684).shuffle(names)
sys.stdout.buffer.write(b"".join(n + b"\0" for n in names))' "$W/sorted" >"$W/shuffled"
total=$(tr -cd '\0' <"$W/sorted" | wc -c)
check "stdlib sample has files ($total)" [ "$total" -gt "$(stdlib_min 3)" ]

# build NAME LIST [OPTION...]: compile LIST into the cache tree $W/NAME.
build() {
	name=$1 list=$2; shift 2
	set +e
	(cd "$W/src" && PYTHONPYCACHEPREFIX="$W/$name" "$PCB" -q -0 "$@" - <"$list")
	echo $? >"$W/$name.rc"
	set -e
}

# same NAME_A NAME_B DESC: the two cache trees hold identical files.
same() {
	na=$(cd "$W/$1" && find . -type f | wc -l)
	if diff -r "$W/$1" "$W/$2" >"$W/diff" 2>&1 && [ "$na" -gt "$(stdlib_min 3)" ]; then
		ok "$3: $na files, 0 differ"
	else
		not_ok "$3: $(wc -l <"$W/diff") differ (of $na)"
		head -5 "$W/diff" | note
	fi
}

build sorted-j1 "$W/sorted" -j1 --reproducible
build reversed-j2 "$W/reversed" -j2 --reproducible
build shuffled-j2 "$W/shuffled" -j2 --reproducible
rc=$(cat "$W/sorted-j1.rc" "$W/reversed-j2.rc" "$W/shuffled-j2.rc" | tr '\n' ' ')
# The stdlib's test suite has broken files on purpose (not on Debian's 3.11).
check "same exit status in every order ($rc)" \
    [ "$rc" = "1 1 1 " -o "$rc" = "0 0 0 " ]
same sorted-j1 reversed-j2 "-j1 sorted vs -j2 reversed"
same sorted-j1 shuffled-j2 "-j1 sorted vs -j2 shuffled"

# One file per run for a sample: no history at all (about 40 files, as
# every 40th file of a whole stdlib was; all of a small PCB_STDLIB_SAMPLE).
step=$((total / 40))
[ "$step" -ge 1 ] || step=1
tr '\0' '\n' <"$W/sorted" | awk -v n=$step 'NR % n == 1 || n == 1' >"$W/sample"
ns=0 nd=0
while IFS= read -r f; do
	(cd "$W/src" && PYTHONPYCACHEPREFIX="$W/single" "$PCB" -q --reproducible "$f") || true
	c=$(cd "$W/src" && PYTHONPYCACHEPREFIX="$W/single" cache_of "$f")
	[ -f "$c" ] || continue
	ns=$((ns + 1))
	cmp -s "$c" "$W/sorted-j1${c#"$W/single"}" || { nd=$((nd + 1)); echo "differs: $f" | note; }
done <"$W/sample"
check "single-file runs: $ns files, $nd differ from the batch" [ "$ns" -gt 10 -a "$nd" = 0 ]

# py_compile over the same list: equal code, co_filename included.
set +e
(cd "$W/src" && PYTHONPYCACHEPREFIX="$W/oracle" "$PYTHON" "$PCB_TESTDIR/oracle.py" "$W/sorted" 2>/dev/null)
echo $? >"$W/oracle.rc"
set -e
check "py_compile exits like us ($(cat "$W/oracle.rc"))" cmp -s "$W/oracle.rc" "$W/sorted-j1.rc"
if "$PYTHON" "$PCB_TESTDIR/compare.py" "$W/oracle" "$W/sorted-j1" >"$W/cmp" 2>&1; then
	ok "code equal to py_compile's: $(tail -1 "$W/cmp")"
else
	not_ok "code differs from py_compile's"
	grep -v '^code-equal' "$W/cmp" | tail -20 | note
fi
# Default mode keeps py_compile's bytes, so --reproducible must change some.
check "--reproducible output differs from py_compile's bytes" \
    grep -q 'byte-identical [0-9]*, code-equal [1-9]' "$W/cmp"
if (cd "$W/src" && PYTHONPYCACHEPREFIX="$W/sorted-j1" "$PYTHON" "$PCB_TESTDIR/loads.py" "$W/sorted") >"$W/loads" 2>&1; then
	ok "importlib takes them as they are: $(tail -1 "$W/loads")"
else
	not_ok "importlib rejects some: $(tail -1 "$W/loads")"
	head -5 "$W/loads" | note
fi

# The other modes and levels, on every 3rd file of the list (every 9th of
# the stdlib), two orders each.
tr '\0' '\n' <"$W/sorted" | awk 'NR % 3 == 0' | tr '\n' '\0' >"$W/sub"
tr '\0' '\n' <"$W/sub" | tac | tr '\n' '\0' >"$W/subrev"
for m in checked-hash unchecked-hash; do
	for o in 0 2; do
		build "$m-o$o-a" "$W/sub" -j1 --reproducible --invalidation-mode=$m -o$o
		build "$m-o$o-b" "$W/subrev" -j2 --reproducible --invalidation-mode=$m -o$o
		(cd "$W/src" && PYTHONPYCACHEPREFIX="$W/$m-o$o-c" \
		    "$PYTHON" "$PCB_TESTDIR/oracle.py" "$W/sub" $o $m 2>/dev/null) || true
		if diff -r "$W/$m-o$o-a" "$W/$m-o$o-b" >/dev/null &&
		    "$PYTHON" "$PCB_TESTDIR/compare.py" "$W/$m-o$o-c" "$W/$m-o$o-a" >"$W/cmp" 2>&1 &&
		    (cd "$W/src" && PYTHONPYCACHEPREFIX="$W/$m-o$o-a" "$PYTHON" $(case $o in 2) echo -OO;; *) echo -B;; esac) \
		    "$PCB_TESTDIR/loads.py" "$W/sub") >"$W/loads" 2>&1; then
			ok "$m -o$o: two orders identical; py_compile $(tail -1 "$W/cmp" | cut -d, -f1,4,5); $(tail -1 "$W/loads")"
		else
			not_ok "$m -o$o: orders differ, code differs or import recompiles"
			tail -3 "$W/cmp" "$W/loads" | note
		fi
	done
done

# A module imported from its .pyc: the source changes but keeps its size and
# mtime, so the value seen must be the compiled one.
mkdir -p "$W/imp"
printf 'X = 1\n' >"$W/imp/m.py"
touch -d '2020-01-02 03:04:05' "$W/imp/m.py"
(cd "$W/imp" && "$PCB" --reproducible m.py)
printf 'X = 2\n' >"$W/imp/m.py"
touch -d '2020-01-02 03:04:05' "$W/imp/m.py"
x=$(cd "$W/imp" && "$PYTHON" -B -c 'import m; print(m.X)')
check "import runs the .pyc (X=$x, source says 2)" [ "$x" = 1 ]

# SOURCE_DATE_EPOCH: two copies of a tree, different mtimes, compiled in
# place in different orders: identical .pyc trees.
for t in t1 t2; do
	mkdir -p "$W/$t"
	(cd "$W/src" && tar cf - --null -T "$W/sub") | (cd "$W/$t" && tar xf -)
done
# -type f: touch would create the target of a symlink the copy left dangling.
find "$W/t2" -name '*.py' -type f -exec touch -d '2001-02-03 04:05:06' {} +
(cd "$W/t1" && SOURCE_DATE_EPOCH=1 "$PCB" -q -0 -j1 --reproducible - <"$W/sub") || true
(cd "$W/t2" && SOURCE_DATE_EPOCH=1 "$PCB" -q -0 -j2 --reproducible - <"$W/subrev") || true
(cd "$W/t1" && find . -name '*.pyc' | LC_ALL=C sort) >"$W/t1.pycs"
(cd "$W/t2" && find . -name '*.pyc' | LC_ALL=C sort) >"$W/t2.pycs"
nd=0
while IFS= read -r p; do cmp -s "$W/t1/$p" "$W/t2/$p" || nd=$((nd + 1)); done <"$W/t1.pycs"
first=$(head -1 "$W/t1.pycs" | sed 's,__pycache__/,,; s,\.cpython-[^/]*$,.py,')
cmp -s "$W/t1.pycs" "$W/t2.pycs" && same_list=yes || same_list=no
check "SOURCE_DATE_EPOCH: $(wc -l <"$W/t1.pycs") .pyc in each tree, same names: $same_list, $nd differ" \
    [ "$same_list" = yes -a "$nd" = 0 -a -s "$W/t1.pycs" ]
check "SOURCE_DATE_EPOCH: the sources' mtimes differ ($first)" \
    [ "$(stat -c %Y "$W/t1/$first")" != "$(stat -c %Y "$W/t2/$first")" ]

# The comparer itself: it must see a changed constant, and must take a NaN
# constant (which is not == to itself) as equal to itself.
for v in 1 2; do
	mkdir -p "$W/cmp$v"
	printf 'X = %s\nN = 1e999 - 1e999\n' "$v" >"$W/cmp$v/m.py"
	touch -d '2020-01-02 03:04:05' "$W/cmp$v/m.py"
	(cd "$W/cmp$v" && "$PCB" --reproducible m.py)
done
check "compare.py tells X = 1 from X = 2" \
    sh -c '! "$1" "$2" "$3/cmp1" "$3/cmp2" >/dev/null' - "$PYTHON" "$PCB_TESTDIR/compare.py" "$W"
mkdir -p "$W/cmp3"
cp -p "$W/cmp1/m.py" "$W/cmp3/m.py"
(cd "$W/cmp3" && "$PYTHON" -c 'import py_compile; py_compile.compile("m.py", doraise=True)')
check "compare.py takes a NaN constant as equal to itself" \
    "$PYTHON" "$PCB_TESTDIR/compare.py" "$W/cmp1" "$W/cmp3"
