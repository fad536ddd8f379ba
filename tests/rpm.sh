#!/usr/bin/env bash
# tests/rpm.sh TARBALL: the RPM package, with Debian's rpm.  rpmbuild takes
# pycompile-batch.spec and builds the binary package from the release
# tarball (make dist), its build requirements unchecked (--nodeps: Debian
# has the libraries, not their RPM names) and without %check (make check
# runs in the other stages); then the package must hold the program and its
# manual page at their paths, its version must be the tarball's, and the
# program unpacked from it must run.  Installs rpm (and cpio) if missing.
# One TAP-like line per check, then "N passed, N failed".
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
tarball=$(realpath "${1:?usage: tests/rpm.sh TARBALL}")
passed=0
failed=0
# check DESC CMD...: one line for whether CMD succeeds.
check() {
	local desc=$1
	shift
	if "$@"; then
		echo "ok - rpm: $desc"
		passed=$((passed + 1))
	else
		echo "not ok - rpm: $desc"
		failed=$((failed + 1))
	fi
}

if ! command -v rpmbuild >/dev/null || ! command -v cpio >/dev/null; then
	sudo=
	[ "$(id -u)" = 0 ] || sudo=sudo
	{ $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq rpm cpio >/dev/null; } ||
	    { echo "not ok - rpm: cannot install rpm"; echo "0 passed, 1 failed"; exit 1; }
fi
t=$(mktemp -d "${TMPDIR:-/tmp}/pcb-rpm.XXXXXX")
trap 'rm -rf "$t"' EXIT
mkdir -p "$t"/{SOURCES,SPECS,BUILD,RPMS,SRPMS,x}
cp "$tarball" "$t/SOURCES/"
version=$(sed -n 's/^Version: *//p' "$top/pycompile-batch.spec")
check "the spec's version $version is the tarball's ($(basename "$tarball"))" \
    [ "$(basename "$tarball")" = "pycompile-batch-$version.tar.gz" ]
# No debuginfo subpackage: find-debuginfo is Fedora's, not Debian's.
if rpmbuild --define "_topdir $t" --define "debug_package %{nil}" --nodeps --nocheck \
    -bb "$top/pycompile-batch.spec" >"$t/build.log" 2>&1; then
	check "rpmbuild -bb built $(cd "$t/RPMS" && find . -name '*.rpm' -printf '%P ')" true
else
	tail -30 "$t/build.log"
	check "rpmbuild -bb" false
fi
rpm=$(find "$t/RPMS" -name "pycompile-batch-$version-*.rpm" | head -1)
if [ -n "$rpm" ]; then
	rpm -qlp "$rpm" >"$t/files" 2>/dev/null
	check "the package holds /usr/bin/pycompile-batch" grep -qx /usr/bin/pycompile-batch "$t/files"
	check "the package holds the --python worker script" grep -qx /usr/share/pycompile-batch/worker.py "$t/files"
	check "the package holds the manual page" grep -q '^/usr/share/man/man1/pycompile-batch\.1' "$t/files"
	check "the package is version $version" [ "$(rpm -qp --qf '%{VERSION}' "$rpm" 2>/dev/null)" = "$version" ]
	(cd "$t/x" && rpm2cpio "$rpm" | cpio -idm --quiet)
	printf 'x = 1\n' >"$t/m.py"
	check "the packaged program runs: $("$t/x/usr/bin/pycompile-batch" --version 2>&1 | head -1)" \
	    sh -c '"$1" "$2" && ls "$3"/__pycache__/m.*.pyc >/dev/null' - "$t/x/usr/bin/pycompile-batch" "$t/m.py" "$t"
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
