"""pycompile-batch's worker for an interpreter it is not linked with.

Run by the processes backend (proc.c) as PYTHON -B -S -s worker.py, with a
socket on file descriptor 3 and of the PYTHON* variables only those the
linked Python honours.  It speaks the frames of
src/backend/wire.h, as the program's own child mode does: one HELLO saying
which Python this is, then for each REQUEST one REPLY with the marshal bytes
of the code object, or py_compile's message for a failure, and the warnings
the compiler printed.  It compiles as py_compile.compile() does, with this
interpreter's own importlib and py_compile, so the bytes are this Python's.

It must parse on every Python it may be pointed at: an old one says that it
is too old instead of failing on syntax.
"""
import errno
import importlib._bootstrap_external as _external
import io
import os
import signal
import struct
import sys

FD = 3
HELLO = 0x6F6C6548
REQUEST = 0x3F706D63
REPLY = 0x21706D63
OLDEST = (3, 9)


def read_exact(n):
    """n bytes from the socket, or None at a clean end of input."""
    chunks = []
    while n > 0:
        chunk = os.read(FD, min(n, 1 << 20))
        if not chunk:
            if chunks:
                raise EOFError("a frame was cut short")
            return None
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def write_all(data):
    view = memoryview(data)
    while view:
        view = view[os.write(FD, view):]


def field_int(value):
    return struct.pack("<i", value)


def field_uint(value):
    return struct.pack("<I", value)


def field_bytes(value):
    """A length-prefixed byte string; None is the length 2**64-1."""
    if value is None:
        return struct.pack("<Q", 2 ** 64 - 1)
    return struct.pack("<Q", len(value)) + value


def field_str(value):
    if value is None:
        return field_bytes(None)
    return field_bytes(value.encode("utf-8", "backslashreplace"))


def send(kind, fields):
    payload = b"".join(fields)
    write_all(struct.pack("<IQ", kind, len(payload)) + payload)


def hello():
    """This interpreter's runtime, as the linked one tells it (interp.c)."""
    if sys.version_info[:2] < OLDEST:
        return send(HELLO, [
            field_int(-errno.ENOTSUP),
            field_str("Python %s is too old: 3.9 or later is needed"
                      % sys.version.split()[0])])
    tag = sys.implementation.cache_tag
    if tag is None:
        return send(HELLO, [
            field_int(-errno.EIO),
            field_str("this Python has no cache tag "
                      "(sys.implementation.cache_tag is None): "
                      "it neither writes nor reads .pyc files")])
    prefix = sys.pycache_prefix
    send(HELLO, [
        field_int(0),
        field_str(sys.version.split()[0]),
        field_str(sys.version[:255]),  # what the other side has room for
        field_uint(sys.version_info[1]),
        field_uint(int.from_bytes(_external.MAGIC_NUMBER, "little")),
        field_str(tag),
        field_bytes(None if prefix is None else os.fsencode(prefix)),
        field_int(sys.flags.optimize),
        field_uint(0),
    ])


def forget_warnings():
    """Each file starts afresh, as in a py_compile process of its own."""
    for module in list(sys.modules.values()):
        registry = getattr(module, "__warningregistry__", None)
        if isinstance(registry, dict):
            registry.clear()


def marshal_code(source, filename, optimize):
    """py_compile.compile()'s own steps, so that the code object is held
    as often as there when marshal runs (its refcount sets marshal's flags)."""
    loader = _external.SourceFileLoader("<py_compile>", filename)
    code = loader.source_to_code(source, filename, _optimize=optimize)
    bytecode = _external._code_to_timestamp_pyc(code, 0, 0)
    return bytes(bytecode[16:])


def compile_one(payload, stderr):
    optimize, new_file = struct.unpack_from("<iI", payload, 0)
    pos = 8
    (n,) = struct.unpack_from("<Q", payload, pos)
    filename = os.fsdecode(payload[pos + 8:pos + 8 + n])
    pos += 8 + n
    (n,) = struct.unpack_from("<Q", payload, pos)
    source = payload[pos + 8:pos + 8 + n]
    if new_file:
        forget_warnings()
    data = message = None
    status = 0
    try:
        data = marshal_code(source, filename, optimize)
    except Exception as err:
        # Imported on the first failure only: below 3.12 the strings its
        # modules hold change marshal's reference flags (see the README).
        import py_compile
        status = -errno.EINVAL
        message = py_compile.PyCompileError(err.__class__, err, filename).msg
    warnings = stderr.getvalue() or None
    stderr.seek(0)
    stderr.truncate()
    send(REPLY, [field_int(status), field_bytes(data), field_str(message),
                 field_str(warnings)])


def main():
    # The parent decides what a signal to the process group means.
    for signo in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signo, signal.SIG_IGN)
    stderr = io.StringIO()
    sys.stderr = stderr
    hello()
    if sys.version_info[:2] < OLDEST:
        return 0
    while True:
        head = read_exact(12)
        if head is None:
            return 0
        kind, length = struct.unpack("<IQ", head)
        payload = read_exact(length) if length else b""
        if kind != REQUEST or payload is None:
            return 1
        compile_one(payload, stderr)


if __name__ == "__main__":
    sys.exit(main())
