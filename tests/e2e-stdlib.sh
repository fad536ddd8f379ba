#!/bin/sh
# e2e-stdlib.sh: the linked Python's own stdlib (with its test suite and its
# deliberately broken files) compiled by pycompile-batch -j2 and by
# py_compile.compile(), compared file by file and message by message.
. "$PCB_TESTDIR/lib.sh"

copy_stdlib "$W/src"
(cd "$W/src" && find . -name '*.py' -print0 | LC_ALL=C sort -z) >"$W/all"
total=$(tr -cd '\0' <"$W/all" | wc -c)
check "stdlib copy has files ($total)" [ "$total" -gt "$(stdlib_min)" ]

# Each case's two trees hard-link the sources of $W/src (neither side writes
# a source; each writes its own __pycache__ directories): the same trees as
# copies, without copying the stdlib twice per case.
# full NAME PCB_OPTS -- ORACLE_ARGS: the whole stdlib.
full() {
	name=$1; shift
	mkdir -p "$W/$name"
	cp -al "$W/src" "$W/$name/a"
	cp -al "$W/src" "$W/$name/b"
	cp "$W/all" "$W/$name/list"
	run_pair "$name" "$@"
	rm -rf "$W/$name"
}

# subset NAME PCB_OPTS -- ORACLE_ARGS: every 7th file plus every broken one.
subset() {
	name=$1; shift
	mkdir -p "$W/$name"
	cp -al "$W/src" "$W/$name/a"
	cp -al "$W/src" "$W/$name/b"
	tr '\0' '\n' <"$W/all" | awk 'NR % 7 == 0 || /bad|tokenizedata/' |
	    tr '\n' '\0' >"$W/$name/list"
	run_pair "$name" "$@"
	rm -rf "$W/$name"
}

unset SOURCE_DATE_EPOCH PYTHONOPTIMIZE PYTHONPYCACHEPREFIX || true
full default -j2
subset timestamp -j2 --invalidation-mode=timestamp -- -1 timestamp
subset checked-hash -j2 --invalidation-mode=checked-hash -- -1 checked-hash
subset unchecked-hash -j2 --invalidation-mode=unchecked-hash -- -1 unchecked-hash
subset opt0 -j2 -o0 -- 0
subset opt1 -j2 -o1 -- 1
subset opt2 -j2 -o2 -- 2
subset opt2-hash-j1 -j1 -o2 --invalidation-mode=checked-hash -- 2 checked-hash
