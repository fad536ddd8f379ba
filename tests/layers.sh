#!/bin/sh
# tests/layers.sh: the source folders are layers, lowest first (os, pyc,
# backend, engine, cli).  A file may include its own layer's headers and
# those of the layers below, never one above, always as "layer/name.h";
# Python.h is included by backend/interp.c alone, and uv.h by no file of os
# or pyc; no source lies outside the folders.  TAP output.
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

# includes FILE: each include of FILE as "q NAME" ("...") or "a NAME"
# (<...>), whatever the spaces around '#' and 'include'.
includes() {
	sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/q \1/p
s/^[[:space:]]*#[[:space:]]*include[[:space:]]*<\([^>]*\)>.*/a \1/p' "$1"
}

n=0
bad=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); bad=$((bad + 1)); echo "not ok $n - $1"; }

for f in "$top"/src/*/*.[ch]; do
	mine=$(rank "$(basename "$(dirname "$f")")")
	what=${f#"$top"/}
	errs=
	while read -r how inc; do
		[ -n "$how" ] || continue
		layer=${inc%%/*}
		theirs=$(rank "$layer")
		case $how:$inc in
		q:pcb.h | a:config.h) ;;
		a:*) [ "$theirs" = 99 ] || errs="$errs <$inc>(a project header in <>)" ;;
		q:*/*) [ "$theirs" -le "$mine" ] || errs="$errs $inc(above)" ;;
		*) errs="$errs $inc(no layer)" ;;
		esac
	done <<EOF
$(includes "$f")
EOF
	if [ -z "$errs" ]; then
		ok "$what includes only its layer and those below"
	else
		notok "$what includes:$errs"
	fi
done

stray=$(ls "$top"/src/*.[ch] 2>/dev/null | sed "s|^$top/||" | tr '\n' ' ' || true)
if [ -z "$stray" ]; then
	ok "every source is in a layer's folder"
else
	notok "sources outside the layers: $stray"
fi

# who NAME FILE...: the files that include NAME (or a header under NAME/).
who() {
	name=$1
	shift
	for f in "$@"; do
		includes "$f" | grep -qE "^[aq] $name(\.h$|/)" && echo "${f#"$top"/}"
	done | tr '\n' ' '
}

py=$(who Python "$top"/src/*/*.[ch])
if [ "$py" = "src/backend/interp.c " ]; then
	ok "Python.h is included by src/backend/interp.c alone"
else
	notok "Python.h is included by: $py"
fi
uv=$(who uv "$top"/src/os/*.[ch] "$top"/src/pyc/*.[ch])
if [ -z "$uv" ]; then
	ok "no file of os or pyc includes uv.h"
else
	notok "uv.h is included by: $uv"
fi

echo "1..$n"
[ "$bad" -eq 0 ]
