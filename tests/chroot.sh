#!/usr/bin/env bash
# tests/chroot.sh: build and test pycompile-batch against the Pythons of
# other Debian releases, each in a minimal chroot made with debootstrap.
#
#   tests/chroot.sh [--prepare] [SUITE...]   (default: trixie testing)
#   tests/chroot.sh --package [SUITE]          (default: trixie)
#
# --prepare only makes (or refreshes) the chroots.
# --package builds the Debian package (debian/) in SUITE's chroot with
# dpkg-buildpackage -us -uc -b, then installs it with apt into a fresh
# minbase chroot of SUITE that holds nothing else, and runs it there
# (package_in below).
# trixie (Debian 13) gives its distribution-patched system python3 (3.13);
# testing gives every python3.1X-dev from 3.14 on that it carries (3.14 and
# 3.15 today).  For each SUITE the chroot is made once and kept under
# $PCB_CHROOT_DIR (default /var/cache/pycompile-batch/chroot); it is made
# again when missing, when this script's package list changed, or when older
# than $PCB_CHROOT_MAX_AGE days (default 7).  The mirror is the one apt
# already uses (or $PCB_CHROOT_MIRROR).  The source tree (git's tracked and
# untracked, not ignored, files) is copied in and, per Python, configured,
# built and `make check`ed there: on the whole stdlib for testing's first
# Python, on every 8th file (PCB_STDLIB_SAMPLE) for the others.  /proc, /dev and /dev/pts are mounted
# while it runs and unmounted on every way out.  Needs root (or sudo).
# The last line is "N passed, N failed", summed over every Python.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)

if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null || { echo "tests/chroot.sh: needs root (or sudo)" >&2; exit 2; }
	exec sudo -E "$0" "$@"
fi

prepare_only=
package=
if [ "${1:-}" = --prepare ]; then
	prepare_only=1
	shift
elif [ "${1:-}" = --package ]; then
	package=1
	shift
fi
suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(trixie testing)
[ -z "$package" ] || [ $# -gt 0 ] || suites=(trixie)
cache=${PCB_CHROOT_DIR:-/var/cache/pycompile-batch/chroot}
max_age=${PCB_CHROOT_MAX_AGE:-7}
# What the build and the tests need inside; a change here remakes the chroots.
pkgs="build-essential autoconf autoconf-archive automake pkg-config libuv1-dev check libunistring-dev libpcre2-dev libssl-dev python3-dev procps util-linux mount bsdutils file git ca-certificates"
recipe="v2 $pkgs, python3.1X-dev and libpython3.1X-testsuite"

mirror=${PCB_CHROOT_MIRROR:-}
if [ -z "$mirror" ]; then
	mirror=$(sed -n 's/^URIs: *\([^ ]*debian\/*\)$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1)
	[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" && $2 ~ /debian\/?$/ { print $2; exit }' /etc/apt/sources.list 2>/dev/null)
	[ -n "$mirror" ] || mirror=http://deb.debian.org/debian
fi

passed=0
failed=0
mounts=()
# Undo every mount this run made, innermost first; runs on every exit.
unmount_all() {
	local i
	for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
		umount -R "${mounts[$i]}" 2>/dev/null || umount -lR "${mounts[$i]}" 2>/dev/null || true
	done
	mounts=()
}
trap unmount_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# mounted_under DIR: is anything mounted at or below DIR (a run killed with
# SIGKILL leaves its mounts)?
mounted_under() { awk -v d="$1" '$2 == d || index($2, d "/") == 1 { f = 1 } END { exit !f }' /proc/mounts; }

# unmount_under DIR: unmount everything at or below DIR, deepest first (DIR
# itself is usually no mount point, so "umount -R DIR" would not do).
# Fails if something stays.
unmount_under() {
	awk -v d="$1" '$2 == d || index($2, d "/") == 1 { print length($2), $2 }' /proc/mounts |
	    sort -rn | cut -d' ' -f2- | while IFS= read -r m; do umount -l "$m" 2>/dev/null; done
	! mounted_under "$1"
}

# recipe_of SUITE: what a chroot of SUITE is made of (its stamp's line 2).
recipe_of() { case $1 in *-clean) echo "clean v1: minbase alone" ;; *) echo "$recipe" ;; esac; }

# fresh SUITE ROOT: is the chroot at ROOT complete, from this recipe, and
# young enough?
fresh() {
	local stamp=$2/.pcb-chroot
	[ -f "$stamp" ] && [ "$(sed -n 2p "$stamp")" = "$(recipe_of "$1")" ] &&
	    [ -z "$(find "$stamp" -mtime +"$max_age")" ]
}

# make_chroot SUITE ROOT: debootstrap SUITE into ROOT, then install the build
# dependencies and, for testing and later, every python3.1X-dev from 3.14 on.
# A SUITE named X-clean is X's minbase alone, to install the package into.
make_chroot() {
	local suite=$1 root=$2 new=$2.new extra
	echo "== $suite: debootstrap from $mirror into $root"
	unmount_under "$new" || return 1
	rm -rf --one-file-system "$new"
	mkdir -p "$(dirname "$new")"
	if ! debootstrap --variant=minbase "${suite%-clean}" "$new" "$mirror" >"$new.log" 2>&1; then
		tail -20 "$new.log"
		return 1
	fi
	# Snapshot mirrors serve Release files past their Valid-Until.
	echo 'Acquire::Check-Valid-Until "false";' >"$new"/etc/apt/apt.conf.d/99pcb
	if [ "$suite" != "${suite%-clean}" ]; then
		printf '%s\n%s\n' "$(date -u +%FT%TZ) $suite" "$(recipe_of "$suite")" >"$new"/.pcb-chroot
		unmount_under "$root" || return 1
		rm -rf --one-file-system "$root"
		mv "$new" "$root"
		return
	fi
	if ! in_root "$new" "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $pkgs >/dev/null"; then
		return 1
	fi
	# The Pythons to test, each with its stdlib's test suite (Debian packages
	# it apart): deliberately broken files, and enough files for the tests.
	if [ "$suite" = trixie ]; then
		extra=$(in_root "$new" "python3 -c 'import sys; print(\"libpython%d.%d-testsuite\" % sys.version_info[:2])'")
	else
		extra=$(in_root "$new" "apt-cache pkgnames python3.1 | grep -E '^python3\\.1[4-9]-dev\$' | sort -V |
		    sed 's/^python\\(.*\\)-dev\$/python\\1-dev libpython\\1-testsuite/' | tr '\\n' ' '")
	fi
	if [ -n "$extra" ]; then
		in_root "$new" "DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $extra >/dev/null" || return 1
	fi
	in_root "$new" "apt-get clean"
	printf '%s\n%s\n' "$(date -u +%FT%TZ) $suite" "$(recipe_of "$suite")" >"$new"/.pcb-chroot
	unmount_under "$root" || return 1
	rm -rf --one-file-system "$root"
	mv "$new" "$root"
}

# in_root ROOT COMMAND: run COMMAND under bash in the chroot, /proc and /dev
# mounted for the duration, with a clean environment.
in_root() {
	local root=$1 rc
	mount -t proc proc "$root/proc" && mounts+=("$root/proc") || return 1
	mount --rbind /dev "$root/dev" && mount --make-rslave "$root/dev" && mounts+=("$root/dev") || return 1
	cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
	chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
	    LANG=C.UTF-8 TERM=dumb /bin/bash -c "$2"
	rc=$?
	unmount_all
	return $rc
}

# test_in SUITE ROOT: copy the source in, then configure, build and check
# against each Python of the chroot.
test_in() {
	local suite=$1 root=$2 out
	rm -rf --one-file-system "$root/src" && mkdir -p "$root/src" || return 1
	(cd "$top" && git ls-files -z --cached --others --exclude-standard |
	    tar --null -T - -cf -) | tar -xf - -C "$root/src" || return 1
	out=$top/_chroot/$suite
	rm -rf "$out" && mkdir -p "$out"
	[ "$suite" != trixie ] || readme_setup "$root"
	in_root "$root" '
		set -u
		cd /src && autoreconf -fi >/dev/null 2>&1 || { echo "autoreconf failed"; exit 1; }
		pys=
		if [ '"$suite"' = trixie ]; then
			pys=/usr/bin/python3
		else
			for p in /usr/bin/python3.1[4-9]; do
				[ -x "$p" ] && [ -x "$p-config" ] && pys="$pys $p"
			done
		fi
		[ -n "$pys" ] || echo "## FAILED: no Python to test"
		# The whole stdlib on testing'"'"'s first Python (3.14), every 8th
		# file on the others (PCB_STDLIB_SAMPLE).
		whole='"$([ "$suite" = testing ] && echo 1)"'
		for py in $pys; do
			start=$(date +%s)
			if [ -n "$whole" ]; then
				unset PCB_STDLIB_SAMPLE
			else
				export PCB_STDLIB_SAMPLE=8
			fi
			whole=
			v=$($py -c "import platform; print(platform.python_version())")
			b=/src/_b/$(basename $py)-$v
			mkdir -p $b && cd $b
			echo "== '"$suite"' $py ($v): configure, make, make check${PCB_STDLIB_SAMPLE:+, stdlib sample 1/$PCB_STDLIB_SAMPLE}"
			if ! /src/configure -q --with-python=$py --enable-werror >configure.out 2>&1; then
				tail -30 configure.out; echo "## FAILED configure $v"; continue
			fi
			grep -A2 "Python:" configure.out
			if ! make -j2 >make.out 2>&1; then
				grep -B2 -A8 "error" make.out | head -40; echo "## FAILED make $v"; continue
			fi
			make -j2 check >check.out 2>&1
			[ -f test-suite.log ] || { tail -30 check.out; echo "## FAILED check $v"; continue; }
			grep -E "^# [A-Z]+:" test-suite.log
			grep -h "^not ok" tests/*.log
			grep -h "^# files\|code-equal" tests/e2e-stdlib.log 2>/dev/null | head -20
			echo "== '"$suite"' $py ($v): $(($(date +%s) - start)) s"
		done
		true
	' 2>&1 | tee "$out/log"
	cp -r "$root/src/_b" "$out/" 2>/dev/null || true
	local p f
	p=$(awk '/^# PASS:/ { n += $3 } END { print n + 0 }' "$out/log")
	f=$(awk '/^# (FAIL|ERROR|XPASS):/ { n += $3 } END { print n + 0 }' "$out/log")
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0} + $(grep -c '^## FAILED' "$out/log")))
	grep -q '^== ' "$out/log" || failed=$((failed + 1))
}

# readme_setup ROOT: the README's set-up command exactly as written, in the
# chroot's copy of the tree: as root with no sudo installed (a container),
# then as a user with sudo.  Two checks: it builds, and the program compiles.
readme_setup() {
	local root=$1 who
	awk '/Install the dependencies and build/ { f = 1 }
	    f && /^ *```sh/ { g = 1; next } g && /^ *```/ { exit } g' "$top/README.md" |
	    sed 's/^ *//' >"$root/tmp/readme-setup.sh"
	for who in root user; do
		if [ -s "$root/tmp/readme-setup.sh" ] && in_root "$root" "
			export DEBIAN_FRONTEND=noninteractive
			if [ $who = root ]; then
				# Debian's sudo refuses removal when root has no password,
				# unless told (its prerm).
				SUDO_FORCE_REMOVE=yes apt-get purge -y -qq sudo >/tmp/purge.out 2>&1
				if command -v sudo >/dev/null; then tail -5 /tmp/purge.out; echo 'sudo is still there'; exit 1; fi
				d=/root/readme as=
			else
				apt-get install -y -qq sudo >/dev/null || exit 1
				id builder >/dev/null 2>&1 || useradd -m builder || exit 1
				echo 'builder ALL=(ALL) NOPASSWD: ALL' >/etc/sudoers.d/builder
				d=/home/builder/readme as='runuser -u builder --'
			fi
			rm -rf \$d && cp -a /src \$d && rm -rf \$d/_b && chown -R --reference=\${d%/*} \$d &&
			cd \$d && \$as bash /tmp/readme-setup.sh </dev/null >/tmp/readme-$who.out 2>&1 &&
			echo 'x = 1' >t.py && \$as ./pycompile-batch t.py && ls __pycache__/t.*.pyc >/dev/null ||
			{ tail -20 /tmp/readme-$who.out; exit 1; }
		"; then
			echo "ok - README set-up command as $who$([ $who = root ] && echo ', no sudo' || echo ' with sudo')"
			passed=$((passed + 1))
		else
			echo "not ok - README set-up command as $who"
			failed=$((failed + 1))
		fi
	done
}

# package_in SUITE ROOT: dpkg-buildpackage in a copy of the tree in ROOT
# (debhelper added there; make check is left to the other stages:
# DEB_BUILD_OPTIONS=nocheck), then the .deb installed by apt, which brings
# what it Depends on, into a copy of SUITE's bare minbase chroot
# ($cache/SUITE-clean, made like the others, by --prepare SUITE-clean too),
# where it must compile a file to the bytes that Python's py_compile
# writes, and a tree with --compileall as compileall does, and its manual
# page must be there.  One check per step.
package_in() {
	local suite=$1 root=$2 bare=$cache/$1-clean clean=$cache/$1-install out deb
	out=$top/_chroot/package-$suite
	rm -rf "$out" && mkdir -p "$out"
	rm -rf --one-file-system "$root/pkg" && mkdir -p "$root/pkg/src" || return 1
	(cd "$top" && git ls-files -z --cached --others --exclude-standard |
	    tar --null -T - -cf -) | tar -xf - -C "$root/pkg/src" || return 1
	if in_root "$root" '
		export DEBIAN_FRONTEND=noninteractive
		apt-get install -y -qq --no-install-recommends debhelper dpkg-dev >/dev/null || exit 1
		cd /pkg/src && DEB_BUILD_OPTIONS="nocheck parallel=2" dpkg-buildpackage -us -uc -b >/pkg/build.log 2>&1 ||
		    { tail -30 /pkg/build.log; exit 1; }
	'; then
		echo "ok - $suite: dpkg-buildpackage -us -uc -b built $(cd "$root/pkg" && ls ./*.deb | tr '\n' ' ')"
		passed=$((passed + 1))
	else
		echo "not ok - $suite: dpkg-buildpackage -us -uc -b"
		failed=$((failed + 1))
		return 1
	fi
	deb=$(cd "$root/pkg" && ls pycompile-batch_*.deb | head -1)
	cp "$root/pkg/$deb" "$out/"
	if ! fresh "$suite-clean" "$bare" && ! make_chroot "$suite-clean" "$bare"; then
		echo "not ok - $suite: a clean chroot to install into"
		failed=$((failed + 1))
		return 1
	fi
	unmount_under "$clean" || return 1
	rm -rf --one-file-system "$clean"
	cp -a "$bare" "$clean" || return 1
	cp "$out/$deb" "$clean/tmp/"
	if in_root "$clean" '
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq && apt-get install -y -qq --no-install-recommends /tmp/'"$deb"' >/tmp/install.log 2>&1 ||
		    { tail -20 /tmp/install.log; exit 1; }
		command -v pycompile-batch && pycompile-batch --version
	' >"$out/install.out" 2>&1; then
		echo "ok - $suite: installed by apt into a clean chroot: $(grep '^Python' "$out/install.out")"
		passed=$((passed + 1))
	else
		cat "$out/install.out"
		echo "not ok - $suite: installed by apt into a clean chroot"
		failed=$((failed + 1))
		rm -rf --one-file-system "$clean"
		return 1
	fi
	# First with nothing but the package and what it depends on, then with
	# python3 added for its py_compile and compileall to compare with.
	if in_root "$clean" '
		set -e
		mkdir -p /tmp/t/pkg && cd /tmp/t
		printf "x = 1\ndef f():\n    return x\n" >pkg/m.py
		printf "y = (\n" >pkg/bad.py
		! command -v python3
		pycompile-batch pkg/m.py
		mv pkg/__pycache__ pcb.1
		set +e
		pycompile-batch --compileall -q pkg >ca.pcb 2>&1; ra=$?
		set -e
		mv pkg/__pycache__ pcb.2
		export DEBIAN_FRONTEND=noninteractive
		apt-get install -y -qq --no-install-recommends python3 >/dev/null
		python3 -m py_compile pkg/m.py
		cmp pcb.1/m.*.pyc pkg/__pycache__/m.*.pyc
		rm -rf pkg/__pycache__
		set +e
		python3 -m compileall -q pkg >ca.py 2>&1; rb=$?
		set -e
		[ "$ra$rb" = 11 ]
		cmp ca.pcb ca.py
		cmp pcb.2/m.*.pyc pkg/__pycache__/m.*.pyc
		test -f /usr/share/man/man1/pycompile-batch.1.gz
		rm -rf pkg/__pycache__
		pycompile-batch --python=python3 pkg/m.py
		cmp pcb.1/m.*.pyc pkg/__pycache__/m.*.pyc
	' >"$out/run.out" 2>&1; then
		echo "ok - $suite: the installed program runs without python3, and compiles as py_compile and compileall do, with --python (its installed worker script) too; its manual page is there"
		passed=$((passed + 1))
	else
		tail -20 "$out/run.out"
		echo "not ok - $suite: the installed program"
		failed=$((failed + 1))
	fi
	# --py3compile against Debian's py3compile on a real package's files,
	# in the system's directories, which this chroot is there to lose.
	if in_root "$clean" '
		set -e
		export DEBIAN_FRONTEND=noninteractive
		apt-get install -y -qq --no-install-recommends python3-idna >/dev/null
		d=/usr/lib/python3/dist-packages/idna
		v=$(python3 -c "import sys; print(\"%d.%d\" % sys.version_info[:2])")
		n=0
		same() {
			for who in py3compile pcb; do
				find $d -name __pycache__ -prune -exec rm -rf {} +
				[ -z "${BEFORE:-}" ] || eval "$BEFORE"
				set +e
				if [ $who = py3compile ]; then
					py3compile "$@" >/tmp/out.$who 2>/tmp/err.$who
				else
					pycompile-batch --py3compile "$@" >/tmp/out.$who 2>/tmp/err.$who
				fi
				echo $? >/tmp/rc.$who
				set -e
				rm -rf /tmp/tree.$who && cp -a $d /tmp/tree.$who
			done
			cmp /tmp/rc.py3compile /tmp/rc.pcb
			cmp /tmp/err.py3compile /tmp/err.pcb
			diff -r /tmp/tree.py3compile /tmp/tree.pcb
			k=$(find /tmp/tree.pcb -name "*.pyc" | wc -l)
			[ "$k" -gt 0 ] || [ "${NONE:-}" = 1 ]
			echo "same: $* ($k .pyc files)"
			n=$((n + 1))
		}
		same -p python3-idna
		same -p python3-idna -V $v
		same -p python3-idna -V $v-
		same -p python3-idna -O
		same -p python3-idna $d -X ".*codec"
		same -p python3-idna $d/
		old="find $d -name \"*.py\" -exec python3 -m py_compile {} +; find $d -name \"*.pyc\" -exec touch -d 2001-01-01 {} +"
		BEFORE=$old same -p python3-idna
		[ -z "$(find /tmp/tree.pcb -name "*.pyc" -newermt 2002-01-01)" ]
		BEFORE=$old same -p python3-idna -f
		[ -z "$(find /tmp/tree.pcb -name "*.pyc" ! -newermt 2002-01-01)" ]
		echo "$n cases"
	' >"$out/py3compile.out" 2>&1; then
		echo "ok - $suite: --py3compile -p python3-idna (public, -V, -O, a private DIR with -X, up to date, -f) gives what py3compile gives: $(tail -1 "$out/py3compile.out")"
		passed=$((passed + 1))
	else
		tail -20 "$out/py3compile.out"
		echo "not ok - $suite: --py3compile against py3compile"
		failed=$((failed + 1))
	fi
	rm -rf --one-file-system "$clean"
}

command -v debootstrap >/dev/null || {
	{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; } ||
	    { echo "cannot install debootstrap"; echo "0 passed, 1 failed"; exit 1; }
}
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9
for suite in "${suites[@]}"; do
	root=$cache/$suite
	unmount_under "$root" || true
	if ! fresh "$suite" "$root"; then
		start=$SECONDS
		if ! make_chroot "$suite" "$root"; then
			echo "== FAILED: $suite: cannot make the chroot"
			failed=$((failed + 1))
			continue
		fi
		echo "== $suite: chroot made in $((SECONDS - start)) s"
	else
		echo "== $suite: chroot $root from $(sed -n 1p "$root/.pcb-chroot")"
	fi
	if [ -n "$package" ]; then
		start=$SECONDS
		package_in "$suite" "$root"
		echo "== $suite: packaged in $((SECONDS - start)) s"
	elif [ -z "$prepare_only" ]; then
		start=$SECONDS
		test_in "$suite" "$root"
		echo "== $suite: tested in $((SECONDS - start)) s"
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
