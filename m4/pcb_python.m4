# pcb_python.m4: the Python whose libpython pycompile-batch embeds.
#
# PCB_PYTHON_EMBED: --with-python=PATH (default: python3 on PATH); refuses
# a Python older than 3.9; takes the flags from that interpreter's own
# python3.X-config --embed, or else from its python-3.X-embed.pc, with an
# rpath for a libpython outside the system directories; checks that it
# links, and whether it has own-GIL subinterpreters (PEP 684); refuses a
# free-threaded build; asks its py_compile how it flags the module's code
# object (PCB_CODE_REF).  Nothing here hard-codes a version.
# Sets and substitutes PYTHON, PYTHON_VERSION, PYTHON_CFLAGS, PYTHON_LIBS;
# sets PCB_OWN_GIL (yes/no) and PCB_AUTO_BACKEND for the summary.
AC_DEFUN([PCB_PYTHON_EMBED], [
AC_ARG_WITH([python],
  [AS_HELP_STRING([--with-python=PATH],
    [Python interpreter whose libpython to embed (default: python3 on PATH)])],
  [PYTHON="$withval"], [PYTHON=python3])
AS_CASE([$PYTHON],
  [/*], [AS_IF([test -x "$PYTHON"], [PYTHON_BIN=$PYTHON], [PYTHON_BIN=])],
  [AC_PATH_PROG([PYTHON_BIN], [$PYTHON])])
AS_IF([test -z "$PYTHON_BIN"], [AC_MSG_ERROR([cannot find Python interpreter '$PYTHON'])])
PYTHON="$PYTHON_BIN"
AC_SUBST([PYTHON])

AC_MSG_CHECKING([Python version])
PYTHON_VERSION=`$PYTHON -c 'import sys; print("%d.%d.%d" % sys.version_info[[:3]])' 2>/dev/null`
AS_IF([test -z "$PYTHON_VERSION"], [AC_MSG_ERROR([$PYTHON does not run])])
AC_MSG_RESULT([$PYTHON_VERSION])
PYTHON_HEXOK=`$PYTHON -c 'import sys; print(int(sys.version_info >= (3, 9)))'`
AS_IF([test "$PYTHON_HEXOK" != 1],
  [AC_MSG_ERROR([Python 3.9 or newer is required: $PYTHON is $PYTHON_VERSION (end of life, and never built or tested here)])])
AC_SUBST([PYTHON_VERSION])

# Prefer the interpreter's own config script; fall back to its embed .pc file.
PYTHON_CONFIG=`$PYTHON -c 'import sys, os, sysconfig
d = sysconfig.get_config_var("BINDIR") or os.path.dirname(sys.executable)
v = sysconfig.get_config_var("VERSION")
for name in ("python%s-config" % v, "python3-config"):
    p = os.path.join(d, name)
    if os.access(p, os.X_OK):
        print(p); break'`
AC_MSG_CHECKING([Python embed flags])
AS_IF([test -n "$PYTHON_CONFIG" && $PYTHON_CONFIG --embed --libs >/dev/null 2>&1],
  [PYTHON_CFLAGS=`$PYTHON_CONFIG --includes`
   PYTHON_LIBS=`$PYTHON_CONFIG --embed --ldflags`
   AC_MSG_RESULT([$PYTHON_CONFIG --embed])],
  [PYTHON_PCDIR=`$PYTHON -c 'import sysconfig, os; print(os.path.join(sysconfig.get_config_var("LIBDIR"), "pkgconfig"))'`
   PYTHON_PCVER=`$PYTHON -c 'import sysconfig; print(sysconfig.get_config_var("VERSION"))'`
   AS_IF([PKG_CONFIG_PATH="$PYTHON_PCDIR:$PKG_CONFIG_PATH" $PKG_CONFIG --exists python-$PYTHON_PCVER-embed],
     [PYTHON_CFLAGS=`PKG_CONFIG_PATH="$PYTHON_PCDIR:$PKG_CONFIG_PATH" $PKG_CONFIG --cflags python-$PYTHON_PCVER-embed`
      PYTHON_LIBS=`PKG_CONFIG_PATH="$PYTHON_PCDIR:$PKG_CONFIG_PATH" $PKG_CONFIG --libs python-$PYTHON_PCVER-embed`
      AC_MSG_RESULT([python-$PYTHON_PCVER-embed.pc])],
     [AC_MSG_ERROR([no python-config --embed or python-$PYTHON_PCVER-embed.pc for $PYTHON])])])

# A libpython outside the linker's default path (pyenv) needs an rpath.
PYTHON_LIBDIR=`$PYTHON -c 'import sysconfig; print(sysconfig.get_config_var("LIBDIR") or "")'`
AS_CASE([$PYTHON_LIBDIR],
  [/usr/lib|/usr/lib/*|/lib|/lib/*|""], [],
  [PYTHON_LIBS="$PYTHON_LIBS -Wl,-rpath,$PYTHON_LIBDIR"])
AC_SUBST([PYTHON_CFLAGS])
AC_SUBST([PYTHON_LIBS])

save_CFLAGS=$CFLAGS; save_LIBS=$LIBS
CFLAGS="$CFLAGS $PYTHON_CFLAGS"; LIBS="$PYTHON_LIBS $LIBS"
AC_MSG_CHECKING([whether libpython links])
AC_LINK_IFELSE([AC_LANG_PROGRAM([[#include <Python.h>]], [[Py_Initialize();]])],
  [AC_MSG_RESULT([yes])], [AC_MSG_ERROR([cannot link against libpython ($PYTHON_LIBS)])])
AC_MSG_CHECKING([for own-GIL subinterpreters (PEP 684)])
AC_COMPILE_IFELSE([AC_LANG_PROGRAM([[#include <Python.h>]],
  [[PyInterpreterConfig c = {0}; c.gil = PyInterpreterConfig_OWN_GIL; (void)c;]])],
  [PCB_OWN_GIL=yes], [PCB_OWN_GIL=no])
AC_MSG_RESULT([$PCB_OWN_GIL])
AS_IF([test "$PCB_OWN_GIL" = yes],
  [PCB_AUTO_BACKEND="subinterpreters"],
  [PCB_AUTO_BACKEND="processes (subinterpreters with -j1)"])
AC_MSG_CHECKING([whether Python is a free-threaded build])
AC_COMPILE_IFELSE([AC_LANG_PROGRAM([[#include <Python.h>
#ifdef Py_GIL_DISABLED
#error free-threaded
#endif]], [[]])],
  [AC_MSG_RESULT([no])],
  [AC_MSG_RESULT([yes])
   AC_MSG_ERROR([$PYTHON is a free-threaded build (Py_GIL_DISABLED, python3.X"t"), which pycompile-batch does not support: it is neither built nor tested on one (Debian ships none), and its own-GIL subinterpreters and reference-count-dependent marshal output would need their own checks.  Use the default build of the same Python.])])
CFLAGS=$save_CFLAGS; LIBS=$save_LIBS

# marshal flags the module's code object for back-references when its
# reference count is above one as py_compile dumps it, which depends on how
# that Python compiled py_compile itself (3.14 holds an extra reference, 3.15
# borrows it).  Asked of the linked Python's own py_compile, in every
# invalidation mode; they must agree.
AC_MSG_CHECKING([whether py_compile's code object is flagged for references])
PCB_CODE_REF=`$PYTHON -B -c 'import os, py_compile, shutil, tempfile
d = tempfile.mkdtemp()
try:
    src = os.path.join(d, "probe.py")
    with open(src, "w") as f:
        f.write("x = 1\n")
    flags = set()
    for mode in py_compile.PycInvalidationMode:
        pyc = py_compile.compile(src, cfile=os.path.join(d, "probe.pyc"),
                                 doraise=True, invalidation_mode=mode)
        with open(pyc, "rb") as f:
            flags.add(f.read()[[16]] >> 7)
    print(*sorted(flags))
finally:
    shutil.rmtree(d)' 2>&1`
AS_CASE([$PCB_CODE_REF],
  [0], [AC_MSG_RESULT([no])],
  [1], [AC_MSG_RESULT([yes])],
  [AC_MSG_RESULT([?])
   AC_MSG_ERROR([cannot tell how py_compile of $PYTHON flags its code object (the invalidation modes must agree): $PCB_CODE_REF])])
AC_DEFINE_UNQUOTED([PCB_CODE_REF], [$PCB_CODE_REF],
  [1 if py_compile's marshal.dumps sees the module code object referenced twice])
])
