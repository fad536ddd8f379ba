"""Runs CPython's own command-line tests of compileall, the linked Python's
Lib/test/test_compileall.py (CommandLineTestsWithSourceEpoch and
CommandLineTestsNoSourceEpoch), with "pycompile-batch --compileall" put in
place of "python -m compileall".

Usage: cpython_compileall.py PCB [--one-class]

--one-class runs CommandLineTestsNoSourceEpoch only (the same tests
without SOURCE_DATE_EPOCH in the environment), for CI's sampled runs.

Every call the tests make to test.support.script_helper that runs
"-m compileall" runs PCB --compileall with the same arguments instead;
interpreter flags -O/-OO become PYTHONOPTIMIZE, the rest (-S, -X ...) do not
change what compileall does.  Other calls (running a compiled module) go to
the real script_helper.  Prints one line per test: "PASS name", "FAIL name"
followed by "# " lines of detail, or "SKIP name: reason"; exits 0.
"""

import os
import subprocess
import sys
import unittest

PCB = sys.argv[1]
ONE_CLASS = sys.argv[2:] == ["--one-class"]

try:
    from test import test_compileall as T
    from test.support import script_helper as real
except ImportError as e:
    # Debian ships the test suite apart (libpython3.X-testsuite).
    print("SKIP all: the linked Python has no test.test_compileall (%s)" % e)
    sys.exit(0)

# Tests that look at compileall's Python API, not at its command line.
NOT_CLI = {
    "test_workers_available_cores": "mocks compileall.compile_dir: no command line",
}


def pcb_command(args):
    """PCB's command and environment for assert_python_*'s args, or None."""
    args = list(args)
    if "-m" not in args:
        return None, None
    i = args.index("-m")
    if args[i + 1 : i + 2] != ["compileall"]:
        return None, None
    env = {}
    level = sum(a.count("O") for a in args[:i] if a.startswith("-O"))
    if level:
        env["PYTHONOPTIMIZE"] = str(level)
    return [PCB, "--compileall", *args[i + 2 :]], env


def environment(env_vars, extra):
    env = os.environ.copy()
    env.update({k: v for k, v in env_vars.items() if not k.startswith("__")})
    env.update(extra)
    return env


class ScriptHelper:
    """test.support.script_helper, with "-m compileall" run by PCB."""

    def __getattr__(self, name):
        return getattr(real, name)

    def _run(self, args, env_vars, ok):
        cmd, extra = pcb_command(args)
        if cmd is None:
            helper = real.assert_python_ok if ok else real.assert_python_failure
            return helper(*args, **env_vars)
        p = subprocess.run(cmd, capture_output=True, env=environment(env_vars, extra))
        if (p.returncode == 0) != ok:
            raise AssertionError(
                "%s: exit status %d, expected %s\nstdout: %r\nstderr: %r"
                % (cmd, p.returncode, "0" if ok else "non-zero", p.stdout, p.stderr)
            )
        return real._PythonRunResult(p.returncode, p.stdout, p.stderr)

    def assert_python_ok(self, *args, **env_vars):
        return self._run(args, env_vars, True)

    def assert_python_failure(self, *args, **env_vars):
        return self._run(args, env_vars, False)

    def spawn_python(self, *args, **kw):
        cmd, extra = pcb_command(args)
        if cmd is None:
            return real.spawn_python(*args, **kw)
        return subprocess.Popen(
            cmd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=kw.get("stderr", subprocess.STDOUT),
            env=environment({}, extra),
        )


class Result(unittest.TestResult):
    def addSuccess(self, test):
        print("PASS", test.id())

    def _fail(self, test, err):
        print("FAIL", test.id())
        for line in self._exc_info_to_string(err, test).splitlines():
            print("#", line)

    addFailure = addError = _fail

    def addSkip(self, test, reason):
        print("SKIP %s: %s" % (test.id(), reason))

    def addSubTest(self, test, subtest, err):
        if err is not None:
            self._fail(subtest, err)


def main():
    T.script_helper = ScriptHelper()
    loader = unittest.TestLoader()
    suite = unittest.TestSuite()
    classes = ["CommandLineTestsWithSourceEpoch", "CommandLineTestsNoSourceEpoch"]
    for name in classes[1:] if ONE_CLASS else classes:
        cls = getattr(T, name, None)
        if cls is None:
            print("SKIP %s: not in this Python's test_compileall" % name)
            continue
        for test in loader.loadTestsFromTestCase(cls):
            method = test.id().rsplit(".", 1)[1]
            if method in NOT_CLI:
                print("SKIP %s: %s" % (test.id(), NOT_CLI[method]))
            else:
                suite.addTest(test)
    # Tests marked requires_resource('cpu') run, as under "-u cpu".
    from test import support

    support.use_resources = ["cpu"]
    sys.stdout.flush()
    suite.run(Result())


if __name__ == "__main__":
    main()
