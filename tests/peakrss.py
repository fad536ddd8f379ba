"""peakrss.py: the peak RSS of a command's whole process tree.

usage: python peakrss.py [-o FILE] CMD [ARG...]

Runs CMD (stdin, stdout and stderr inherited) and, every 5 ms until it
exits, adds up VmRSS (/proc/PID/status) over CMD and every process below it:
children are found through /proc/PID/task/TID/children, or through the
parent field of /proc/*/stat where the kernel lacks that file.  The largest
sum is printed in MiB ("%.1f"), alone in FILE with -o, else on stderr as
"peak RSS: N MiB".  Exits with CMD's status (128 + N if signal N killed it).

Shared pages (libpython, the C library) count once per process that maps
them, as RSS does.  A process that lives less than about 5 ms can be missed,
and so can descendants that outlive CMD.  Linux only; Python 3.9+.
"""
import os
import subprocess
import sys
import time

INTERVAL = 0.005


def rss_kib(pid):
    """VmRSS of pid in KiB; 0 for a process that is gone or a zombie."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def children_by_task(pid):
    """The children of every thread of pid (CONFIG_PROC_CHILDREN)."""
    kids = []
    try:
        for tid in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/children" % (pid, tid)) as f:
                kids.extend(int(c) for c in f.read().split())
    except OSError:  # pid or one of its threads is gone
        pass
    return kids


def children_by_stat():
    """{ppid: [pid, ...]} for every process, from /proc/*/stat."""
    tree = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % name) as f:
                stat = f.read()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses.
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        tree.setdefault(ppid, []).append(int(name))
    return tree


def tree_rss(root, by_task):
    """Summed VmRSS in KiB of root and all its descendants, now."""
    tree = None if by_task else children_by_stat()
    total, todo, seen = 0, [root], set()
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total += rss_kib(pid)
        todo.extend(children_by_task(pid) if by_task else tree.get(pid, ()))
    return total


def main():
    args = sys.argv[1:]
    out = None
    if args[:1] == ["-o"] and len(args) >= 2:
        out, args = args[1], args[2:]
    if args[:1] == ["--"]:
        args = args[1:]
    if not args:
        sys.stderr.write("usage: python peakrss.py [-o FILE] CMD [ARG...]\n")
        return 2
    me = os.getpid()
    by_task = os.path.exists("/proc/%d/task/%d/children" % (me, me))
    try:
        proc = subprocess.Popen(args)
    except OSError as e:
        sys.stderr.write("peakrss.py: %s: %s\n" % (args[0], e.strerror))
        return 127
    peak = 0
    while True:
        # Sample before poll(): once poll() has reaped CMD, its /proc is gone.
        peak = max(peak, tree_rss(proc.pid, by_task))
        if proc.poll() is not None:
            break
        time.sleep(INTERVAL)
    mib = "%.1f" % (peak / 1024.0)
    if out is None:
        sys.stderr.write("peak RSS: %s MiB\n" % mib)
    else:
        with open(out, "w") as f:
            f.write(mib + "\n")
    rc = proc.returncode
    return 128 - rc if rc < 0 else rc


if __name__ == "__main__":
    sys.exit(main())
