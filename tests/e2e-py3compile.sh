#!/bin/sh
# e2e-py3compile.sh: --py3compile, Debian's py3compile command line.  Where
# Debian's own py3compile is installed (/usr/bin/py3compile and its
# debpython modules), each case runs both on copies of one tree and
# compares the .pyc files (headers identical, code equal, read by that
# Python: tests/compare.py), the messages and the exit status:
# DIR and FILE arguments, the up-to-date check and -f, -O, -X, -V ranges.
# Everywhere: bad input is one line and exit status 2 with nothing
# written, and a range with no installed Python exits 3.  (The -p cases,
# which write into the system's directories, run in the disposable chroot
# of tests/chroot.sh --package.)
. "$PCB_TESTDIR/lib.sh"
unset SOURCE_DATE_EPOCH PYTHONOPTIMIZE PYTHONPYCACHEPREFIX PYCOMPILE_BATCH_BACKEND || true
cd "$W"

# The versions py3compile would compile for here, if it is Debian.
supported=
if [ -r /usr/share/python3/debian_defaults ]; then
	supported=$(sed -n 's/^supported-versions *= *//p' /usr/share/python3/debian_defaults |
	    sed 's/python//g; s/,/ /g')
fi
installed=
for v in $supported; do [ -x "/usr/bin/python$v" ] && installed="$installed $v"; done
echo "supported:${supported:- none}; installed:${installed:- none}" | note

# -- bad input ----------------------------------------------------------------
printf 'x = 1\n' >ok.py
refused "no argument" --py3compile
refused "-V x" --py3compile -V x ok.py
refused "-V 3.14-3.12" --py3compile -V 3.14-3.12 ok.py
refused "-X without a directory" --py3compile -p no-such-package -X a
refused "-X '('" --py3compile -X '(' ok.py
refused "--python" --py3compile --python=python3 ok.py
if [ -n "$installed" ]; then
	refused "-p no-such-package" --py3compile -p no-such-package-pcb
fi
if [ -r /usr/share/python3/debian_defaults ]; then
	rm -rf __pycache__
	set +e
	"$PCB" --py3compile -V 9.0 ok.py >out 2>err
	rc=$?
	set -e
	check "-V 9.0: exit 3 ($rc), nothing written: $(head -1 err)" \
	    sh -c '[ "$1" = 3 ] && [ ! -e __pycache__ ]' - "$rc"
	check "DEBPYTHON3_SUPPORTED=3.99 DEBPYTHON3_DEFAULT=3.99: exit 3" \
	    sh -c 'DEBPYTHON3_SUPPORTED=3.99 DEBPYTHON3_DEFAULT=3.99 "$PCB" --py3compile ok.py 2>/dev/null; [ $? = 3 ]'
fi

[ -x /usr/bin/py3compile ] && [ -d /usr/share/python3/debpython ] && [ -n "$installed" ] || {
	echo "Debian's py3compile or an installed supported Python is missing: no comparison" | note
	exit 0
}

# -- against Debian's py3compile ------------------------------------------------
# A tree: a package with a subpackage, tests, a warning, a symlinked
# directory (not entered) and a symlinked file (compiled), a non-.py file.
mkdir -p tree/pkg/sub tree/pkg/tests
printf 'x = 1\n' >tree/pkg/__init__.py
printf '"""Doc."""\nassert x\ndef f():\n    return [i for i in range(3)]\n' >tree/pkg/m.py
printf 'def f():\n    return f is 1\n' >tree/pkg/w.py
printf 'y = 2\n' >tree/pkg/sub/s.py
printf 't = 3\n' >tree/pkg/tests/test_t.py
printf 'not python\n' >tree/pkg/data.txt
ln -s sub tree/pkg/linked
ln -s m.py tree/pkg/alias.py

# both NAME [ARG...]: py3compile and we on fresh copies of tree, each in
# its own directory at the same path (the code stores absolute names), the
# .pyc files kept aside; then the comparisons.  BEFORE, if set, is run in
# the tree first (a shell command).
both() {
	name=$1; shift
	d=$W/$name
	mkdir -p "$d"
	for who in py3compile pcb; do
		rm -rf "$W/t"
		cp -a "$W/tree" "$W/t"
		[ -z "${BEFORE:-}" ] || (cd "$W/t" && eval "$BEFORE")
		set +e
		if [ $who = py3compile ]; then
			(cd "${RUN_IN:-$W/t}" && py3compile "$@" >"$d/out.$who" 2>"$d/err.$who")
		else
			(cd "${RUN_IN:-$W/t}" && "$PCB" --py3compile "$@" >"$d/out.$who" 2>"$d/err.$who")
		fi
		echo $? >"$d/rc.$who"
		set -e
		rm -rf "$d/$who" && mv "$W/t" "$d/$who"
	done
	check "$name: exit status $(cat "$d/rc.pcb"), py3compile's $(cat "$d/rc.py3compile")" \
	    cmp -s "$d/rc.py3compile" "$d/rc.pcb"
	if [ "${MSG:-}" = skip ]; then
		: # py3compile logs with its own line numbers ("E: py3compile:205: ...")
	elif cmp -s "$d/err.py3compile" "$d/err.pcb"; then
		ok "$name: messages identical ($(wc -l <"$d/err.pcb") lines)"
	else
		not_ok "$name: messages differ"
		diff "$d/err.py3compile" "$d/err.pcb" | head -10 | note
	fi
	# Read by the interpreter that wrote them: headers identical, code
	# equal; marshal's reference flags may differ with what else the
	# compiling process holds (py3compile's runs "-m py_compile" with site).
	if "/usr/bin/python$v" "$PCB_TESTDIR/compare.py" "$d/py3compile" "$d/pcb" >"$d/cmp" 2>&1; then
		ok "$name: .pyc files match: $(tail -1 "$d/cmp")"
	else
		not_ok "$name: .pyc files differ"
		tail -10 "$d/cmp" | note
	fi
	n=$(find "$d/pcb" -name '*.pyc' | wc -l)
	check "$name: $n .pyc files, ${NONE:+none }as expected" \
	    sh -c 'if [ -n "$2" ]; then [ "$1" = 0 ]; else [ "$1" -gt 0 ]; fi' - "$n" "${NONE:-}"
}
v=$(echo $installed | cut -d' ' -f1)
both dir "$W/t"
both relative-dir pkg/sub/../../pkg
# From the root directory, as dpkg runs a postinst: no "//" in the names.
RUN_IN=/
both from-root "$(echo "$W/t" | cut -c2-)"
RUN_IN=
both file pkg/m.py
both exclude "$W/t" -X 'pkg/tests/' -X '.*alias'
both v-one "$W/t" -V "$v"
both v-from "$W/t" -V "$v-"
next=${v%.*}.$((${v#*.} + 1))
both v-range "$W/t" -V "$v-$next"
both v-any "$W/t" -V "-9.0"
MSG=skip NONE=1 both v-none "$W/t" -V "-$v"
MSG= NONE=
both optimize "$W/t" -O
# Up to date (12 bytes: magic, flags 0, mtime): both leave the .pyc alone;
# -f compiles again.  The .pyc files are made by py_compile first, then
# given an old mtime to show which were written.
fresh='find . -name "*.py" -print0 | xargs -0 '"/usr/bin/python$v"' -m py_compile 2>/dev/null; find . -name "*.pyc" -exec touch -d 2001-01-01 {} +'
BEFORE=$fresh
both up-to-date "$W/t"
check "up-to-date: no .pyc written by either" \
    sh -c '[ -z "$(find "$1/py3compile" "$1/pcb" -name "*.pyc" -newermt 2002-01-01)" ]' - "$W/up-to-date"
both force "$W/t" -f
BEFORE=
check "-f: every .pyc written again by both" \
    sh -c '[ -z "$(find "$1/py3compile" "$1/pcb" -name "*.pyc" ! -newermt 2002-01-01)" ]' - "$W/force"
# A file that fails, alone (py3compile's py_compile stops at the first).
printf 'def (:\n' >tree/bad.py
NONE=1 both broken bad.py
NONE=
