#!/bin/sh
# tests/layers.sh: the source folders are layers, lowest first (os, pyc,
# backend, engine, cli).  A file may include its own layer's headers and
# those of the layers below, never one above; Python.h is included by
# backend/interp.c alone, and uv.h by no file of os or pyc.  TAP output.
set -eu
top=${PCB_TESTDIR:-$(dirname "$0")}/..
layers="os pyc backend engine cli"

rank() {
	r=0
	for l in $layers; do
		[ "$l" = "$1" ] && { echo $r; return; }
		r=$((r + 1))
	done
	echo 99
}

n=0
bad=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); bad=$((bad + 1)); echo "not ok $n - $1"; }

# Every project include names its layer ("layer/name.h"), so that the layer
# of each edge is visible in the file itself.
for f in "$top"/src/*/*.[ch]; do
	layer=$(basename "$(dirname "$f")")
	mine=$(rank "$layer")
	what=${f#"$top"/}
	errs=
	for inc in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f"); do
		case $inc in
		pcb.h | config.h) continue ;;
		*/*) ;;
		*) errs="$errs $inc(no layer)"; continue ;;
		esac
		theirs=$(rank "${inc%%/*}")
		[ "$theirs" -le "$mine" ] || errs="$errs $inc(above)"
	done
	if [ -z "$errs" ]; then
		ok "$what includes only its layer and those below"
	else
		notok "$what includes:$errs"
	fi
done

py=$(grep -l '#include <Python.h>' "$top"/src/*/*.[ch] | sed "s|^$top/||" | tr '\n' ' ')
if [ "$py" = "src/backend/interp.c " ]; then
	ok "Python.h is included by src/backend/interp.c alone"
else
	notok "Python.h is included by: $py"
fi
uv=$(grep -l '#include <uv.h>' "$top"/src/os/*.[ch] "$top"/src/pyc/*.[ch] | tr '\n' ' ' || true)
if [ -z "$uv" ]; then
	ok "no file of os or pyc includes uv.h"
else
	notok "uv.h is included by: $uv"
fi

echo "1..$n"
[ "$bad" -eq 0 ]
