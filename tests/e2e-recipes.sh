#!/bin/sh
# e2e-recipes.sh: the recipes of doc/recipes.md, each run as written on a
# scratch tree: Debian postinst (a dpkg -L list on stdin), Fedora brp
# (-s BUILDROOT -p / -o 0 -o 1 --hardlink-dupes, checked against compileall
# with the same flags, and the same through --compileall), CI venv warm-up
# (--incremental).
. "$PCB_TESTDIR/lib.sh"
unset SOURCE_DATE_EPOCH PYTHONOPTIMIZE PYTHONPYCACHEPREFIX || true
cd "$W"

# A package tree: /usr/lib/python3/dist-packages/demo below a root.
mkpkg() {
	p=$1/usr/lib/python3/dist-packages/demo
	mkdir -p "$p/sub" "$1/usr/share/doc/demo"
	printf '"""demo."""\nassert True\n' >"$p/__init__.py"
	printf 'def f():\n    """doc"""\n    return 1\n' >"$p/core.py"
	printf 'X = 1\n' >"$p/sub/__init__.py"
	printf 'Y = 2\n' >"$p/sub/more.py"
	printf 'changelog\n' >"$1/usr/share/doc/demo/changelog"
}

# --- Debian postinst --------------------------------------------------------
mkpkg deb
# dpkg -L lists "/.", every directory and every file of the package.
mkdir -p bin
cat >bin/dpkg <<EOS
#!/bin/sh
cd "$W/deb" && find . | sed 's|^\.||; s|^$|/.|' | sed "s|^/|$W/deb/|"
EOS
chmod +x bin/dpkg
# The recipe, as in doc/recipes.md (PKG = demo).
set +e
PATH="$W/bin:$PATH" sh -c 'dpkg -L demo | grep "\.py$" | "$PCB" -q -' >deb.out 2>&1
rc=$?
set -e
check "debian: exit 0 ($rc)" [ "$rc" = 0 ]
n=$(find deb -name '*.pyc' | wc -l)
check "debian: one .pyc per source, 4 ($n)" [ "$n" = 4 ]
check "debian: nothing printed" [ ! -s deb.out ]
# Same bytes as py_compile gives for the same absolute paths.
mv deb deb.pcb
cp -a deb.pcb deb
find deb -name '*.pyc' -delete
PATH="$W/bin:$PATH" dpkg -L demo | grep '\.py$' | tr '\n' '\0' >deb.list
"$PYTHON" "$PCB_TESTDIR/oracle.py" deb.list
check "debian: .pyc files identical to py_compile's" sh -c '"$PYTHON" "$PCB_TESTDIR/compare.py" deb deb.pcb >/dev/null'
check "debian: co_filename is the absolute installed path" "$PYTHON" -c '
import marshal, sys
sys.exit(marshal.loads(open(sys.argv[1], "rb").read()[16:]).co_filename != sys.argv[2])' \
    "$(cache_of "$W/deb/usr/lib/python3/dist-packages/demo/core.py")" "$W/deb/usr/lib/python3/dist-packages/demo/core.py"

# --- Fedora brp: byte-compile in the buildroot, store the installed path ----
mkpkg br.a
cp -a br.a br.b
BUILDROOT=$W/br.a
set +e
"$PYTHON" -m compileall -q -f -s "$BUILDROOT" -p / -o 0 -o 1 --hardlink-dupes \
    "$BUILDROOT/usr/lib/python3/dist-packages" >fed.a 2>&1
rc_a=$?
BUILDROOT=$W/br.b
# The recipe, as in doc/recipes.md.
"$PCB" -q -s "$BUILDROOT" -p / -o 0 -o 1 --hardlink-dupes \
    "$BUILDROOT/usr/lib/python3/dist-packages"
rc_b=$?
set -e
check "fedora: exit $rc_b, compileall $rc_a" [ "$rc_a$rc_b" = 00 ]
check "fedora: .pyc files identical to compileall's" sh -c '"$PYTHON" "$PCB_TESTDIR/compare.py" br.a br.b >/dev/null'
check "fedora: compileall's hard-link groups, or shared levels linked too" sh -c '"$PYTHON" "$PCB_TESTDIR/compare.py" --links-coarser br.a br.b >/dev/null'
linked=$(find br.b -name '*.pyc' -links 2 | wc -l)
check "fedora: some levels hard-linked ($linked files)" [ "$linked" -gt 0 ]
got=$("$PYTHON" -c 'import marshal, sys; print(marshal.loads(open(sys.argv[1], "rb").read()[16:]).co_filename)' \
    br.b/usr/lib/python3/dist-packages/demo/sub/__pycache__/more.*[0-9].pyc)
check "fedora: stored name is the installed path ($got)" [ "$got" = /usr/lib/python3/dist-packages/demo/sub/more.py ]

# --- Fedora brp, as a drop-in for compileall --------------------------------
mkpkg dropin.a
printf 'x = (\n' >dropin.a/usr/lib/python3/dist-packages/demo/broken.py
cp -a dropin.a dropin.b
set +e
BUILDROOT=$W/dropin.a
"$PYTHON" -m compileall -q -o 0 -o 1 -s "$BUILDROOT" -p / --hardlink-dupes \
    --invalidation-mode=unchecked-hash "$BUILDROOT/usr/lib/python3/dist-packages" >dropin.out.a 2>&1
rc_a=$?
BUILDROOT=$W/dropin.b
# The recipe, as in doc/recipes.md.
"$PCB" --compileall -q -o 0 -o 1 -s "$BUILDROOT" -p / --hardlink-dupes \
    --invalidation-mode=unchecked-hash "$BUILDROOT/usr/lib/python3/dist-packages" >dropin.out.b 2>&1
rc_b=$?
set -e
check "fedora drop-in: exit $rc_b, compileall $rc_a" [ "$rc_a$rc_b" = 11 ]
sed -i "s|$W/dropin.a|BUILDROOT|g" dropin.out.a
sed -i "s|$W/dropin.b|BUILDROOT|g" dropin.out.b
check "fedora drop-in: compileall's output ($(wc -l <dropin.out.a) lines)" cmp -s dropin.out.a dropin.out.b
check "fedora drop-in: .pyc files identical to compileall's" sh -c '"$PYTHON" "$PCB_TESTDIR/compare.py" dropin.a dropin.b >/dev/null'
check "fedora drop-in: the same hard-link groups" sh -c '"$PYTHON" "$PCB_TESTDIR/compare.py" --links dropin.a dropin.b >/dev/null'

# --- CI venv warm-up ----------------------------------------------------------
mkpkg venv
# The recipe, as in doc/recipes.md: run on every CI job; only what changed
# since the cache was saved is compiled.
"$PCB" -q --incremental venv
find venv -name '*.pyc' -printf '%P %i %T@\n' | sort >ci.1
"$PCB" -q --incremental --report=ci.json venv
find venv -name '*.pyc' -printf '%P %i %T@\n' | sort >ci.2
check "ci: a warm run rewrites nothing" cmp -s ci.1 ci.2
check "ci: the report says 4 skipped" "$PYTHON" -c '
import json, sys
t = json.load(open(sys.argv[1]))["totals"]
sys.exit(not (t["skipped"] == 4 and t["compiled"] == 0))' ci.json
# (a different size: timestamp .pyc files see whole seconds)
printf 'Y = 30\n' >venv/usr/lib/python3/dist-packages/demo/sub/more.py
"$PCB" -q --incremental --report=ci.json venv
check "ci: after an edit, exactly one compiled" "$PYTHON" -c '
import json, sys
t = json.load(open(sys.argv[1]))["totals"]
sys.exit(not (t["skipped"] == 3 and t["compiled"] == 1))' ci.json
