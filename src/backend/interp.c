/*
 * interp.c: the only file that speaks the Python C API.
 *
 * The main thread starts the runtime, makes one struct pcb_interp per worker
 * and ends them; each worker thread attaches to its own, compiles, and
 * detaches.  Subinterpreters are created and ended one at a time by the main
 * thread (gh-123134), all before Py_FinalizeEx (3.12.1 aborts otherwise).
 * Worker threads enter an interpreter with a thread state of their own
 * (PyThreadState_New + PyEval_RestoreThread), never PyGILState_*, which does
 * not work with several interpreters.  Python exceptions become text here;
 * nothing here prints.
 */
#include <config.h>

#include <Python.h>
#include <marshal.h>

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend/interp.h"
#include "os/error.h"

#if PY_VERSION_HEX >= 0x030C0000
#define PCB_OWN_GIL 1
#else
#define PCB_OWN_GIL 0
#endif

struct pcb_interp {
	PyInterpreterState *interp;
	PyThreadState
	    *owner;        /* a subinterpreter's first thread state, or NULL */
	PyThreadState *ts; /* the worker's thread state while attached */
	PyThreadState *saved; /* ts while unlocked for I/O */
	PyObject *compile;    /* builtins.compile of this interpreter */
	PyObject
	    *format_exc_only; /* traceback.format_exception_only, on demand */
};

/* The main thread's thread state, parked whenever the main thread is not in Python. */
static PyThreadState *main_ts;

/* Takes the raised exception, normalised; NULL if none. */
static PyObject *
take_exception(void)
{
#if PY_VERSION_HEX >= 0x030C0000
	return PyErr_GetRaisedException();
#else
	PyObject *type, *value, *tb;

	PyErr_Fetch(&type, &value, &tb);
	PyErr_NormalizeException(&type, &value, &tb);
	if (value != NULL && tb != NULL)
		PyException_SetTraceback(value, tb);
	Py_XDECREF(type);
	Py_XDECREF(tb);
	return value;
#endif
}

/* A str as UTF-8, with stderr's error handler for lone surrogates. */
static char *
str_to_utf8(PyObject *s)
{
	PyObject *b;
	char *ret = NULL;

	if (s == NULL)
		return NULL;
	b = PyUnicode_AsEncodedString(s, "utf-8", "backslashreplace");
	if (b != NULL)
		ret = strdup(PyBytes_AS_STRING(b));
	Py_XDECREF(b);
	PyErr_Clear();
	return ret;
}

/* Reads PYTHONOPTIMIZE as CPython does: text or a negative number means 1. */
static int
env_optimize(void)
{
	const char *v = getenv("PYTHONOPTIMIZE");
	char *end;
	long n;

	if (v == NULL || *v == '\0')
		return 0;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || *end != '\0' || end == v || n < 0 || n > INT_MAX)
		return 1;
	return (int)n;
}

/*
 * Compile-time warnings (SyntaxWarning) go to sys.stderr.  Each interpreter
 * gets an io.StringIO there, read and emptied under the GIL right after each
 * compile, so that the warnings are reported with their file, in input order.
 */
static int
capture_stderr(void)
{
	PyObject *io = PyImport_ImportModule("io"), *sio = NULL;
	int ret = -1;

	if (io != NULL &&
	    (sio = PyObject_CallMethod(io, "StringIO", NULL)) != NULL)
		ret = PySys_SetObject("stderr", sio);
	Py_XDECREF(io);
	Py_XDECREF(sio);
	PyErr_Clear();
	return ret;
}

/* Takes what compile() wrote to the captured sys.stderr; NULL if nothing. */
static char *
take_stderr(void)
{
	PyObject *sio = PySys_GetObject("stderr"); /* borrowed */
	PyObject *text, *r;
	char *ret = NULL;

	if (sio == NULL)
		return NULL;
	text = PyObject_CallMethod(sio, "getvalue", NULL);
	if (text != NULL && PyUnicode_Check(text) &&
	    PyUnicode_GET_LENGTH(text) > 0) {
		ret = str_to_utf8(text);
		r = PyObject_CallMethod(sio, "seek", "i", 0);
		Py_XDECREF(r);
		r = PyObject_CallMethod(sio, "truncate", NULL);
		Py_XDECREF(r);
	}
	Py_XDECREF(text);
	PyErr_Clear();
	return ret;
}

/* 0 for a status that is no failure, else -EIO with *cause: doing, and why. */
static int
status_failed(PyStatus st, const char *doing, char **cause)
{
	if (!PyStatus_Exception(st))
		return 0;
	return pcb_error_set(cause, -EIO, "%s: %s%s%s", doing,
	    st.func ? st.func : "", st.func ? ": " : "",
	    st.err_msg ? st.err_msg : "failed");
}

static int
ask_runtime(struct pcb_runtime *rt, char **cause)
{
	PyObject *impl, *tag, *prefix, *flags, *opt;
	const char *v = Py_GetVersion();
	size_t n = strcspn(v, " ");
	int ret;

	snprintf(rt->version, sizeof rt->version, "%.*s", (int)n, v);
	snprintf(rt->build, sizeof rt->build, "%s", v);
	rt->py_minor = PY_MINOR_VERSION;
	rt->magic = (uint32_t)PyImport_GetMagicNumber();
	rt->own_gil = PCB_OWN_GIL;

	impl = PySys_GetObject("implementation"); /* borrowed */
	tag = impl ? PyObject_GetAttrString(impl, "cache_tag") : NULL;
	if (tag == NULL || !PyUnicode_Check(tag)) {
		ret = pcb_error_set(cause, -EIO,
		    "this Python has no cache tag "
		    "(sys.implementation.cache_tag is None): "
		    "it neither writes nor reads .pyc files");
		goto out;
	}
	snprintf(rt->cache_tag, sizeof rt->cache_tag, "%s",
	    PyUnicode_AsUTF8(tag));

	prefix = PySys_GetObject("pycache_prefix"); /* borrowed */
	if (prefix != NULL && PyUnicode_Check(prefix)) {
		PyObject *b = PyUnicode_EncodeFSDefault(prefix);

		rt->pycache_prefix = b ? strdup(PyBytes_AS_STRING(b)) : NULL;
		Py_XDECREF(b);
	}
	flags = PySys_GetObject("flags"); /* borrowed */
	opt = flags ? PyObject_GetAttrString(flags, "optimize") : NULL;
	rt->optimize = opt ? (int)PyLong_AsLong(opt) : 0;
	Py_XDECREF(opt);
	ret = 0;
out:
	Py_XDECREF(tag);
	PyErr_Clear();
	return ret;
}

int
pcb_interp_runtime_init(const char *argv0, struct pcb_runtime *rt, char **cause)
{
	const char *prefix = getenv("PYTHONPYCACHEPREFIX");
	PyPreConfig pre;
	PyConfig config;
	PyStatus st;
	int ret = -EIO;

	memset(rt, 0, sizeof *rt);
	/*
	 * The locale and the encodings are set up as the python3 command sets
	 * them in this environment (LC_ALL/LC_CTYPE/LANG, the C locale's
	 * coercion to UTF-8, PYTHONUTF8): file names are decoded as its
	 * py_compile decodes them, for co_filename and messages alike.
	 */
	PyPreConfig_InitPythonConfig(&pre);
	pre.parse_argv = 0;
	st = Py_PreInitialize(&pre);
	if (status_failed(st, "cannot start Python", cause))
		return ret;
	PyConfig_InitIsolatedConfig(&config);
	config.site_import = 0;
	config.write_bytecode = 0;
	config.install_signal_handlers = 0;
	/* What changes py_compile's result is honoured; nothing else is read. */
	config.optimization_level = env_optimize();
	st = PyConfig_SetBytesString(&config, &config.program_name, argv0);
	if (status_failed(st, "program name", cause))
		goto err_config;
	if (prefix != NULL && *prefix != '\0') {
		st = PyConfig_SetBytesString(&config, &config.pycache_prefix,
		    prefix);
		if (status_failed(st, "PYTHONPYCACHEPREFIX", cause))
			goto err_config;
	}
	st = Py_InitializeFromConfig(&config);
	if (status_failed(st, "cannot start Python", cause))
		goto err_config;
	PyConfig_Clear(&config);

	ret = ask_runtime(rt, cause);
	if (ret == 0 && capture_stderr() < 0)
		ret = pcb_error_set(cause, -EIO, "cannot replace sys.stderr");
	main_ts = PyEval_SaveThread();
	return ret;

err_config:
	PyConfig_Clear(&config);
	return ret;
}

/* Writes all n bytes at p to fd.  Returns 0 or -errno. */
static int
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int
pcb_interp_sys_path(const char *argv0, int fd, char **cause)
{
	PyObject *path, *b;
	PyConfig config;
	PyStatus st;
	int ret = 0;

	PyConfig_InitPythonConfig(&config);
	config.parse_argv = 0;
	config.install_signal_handlers = 0;
	st = PyConfig_SetBytesString(&config, &config.program_name, argv0);
	if (!status_failed(st, "program name", cause))
		st = Py_InitializeFromConfig(&config);
	PyConfig_Clear(&config);
	if (status_failed(st, "cannot start Python", cause))
		return -EIO;
	path = PySys_GetObject("path"); /* borrowed */
	for (Py_ssize_t i = 0; path != NULL && PyList_Check(path) && ret == 0 &&
	     i < PyList_GET_SIZE(path);
	     i++) {
		PyObject *item = PyList_GET_ITEM(path, i);

		if (!PyUnicode_Check(item) ||
		    (b = PyUnicode_EncodeFSDefault(item)) == NULL) {
			PyErr_Clear();
			continue;
		}
		ret = write_all(fd, PyBytes_AS_STRING(b),
		    (size_t)PyBytes_GET_SIZE(b) + 1);
		Py_DECREF(b);
	}
	Py_FinalizeEx();
	if (ret < 0)
		return pcb_error_set(cause, ret, "cannot write sys.path: %s",
		    strerror(-ret));
	return 0;
}

void
pcb_interp_runtime_fini(void)
{
	if (main_ts != NULL) {
		PyEval_RestoreThread(main_ts);
		main_ts = NULL;
		Py_FinalizeEx();
	}
}

int
pcb_interp_own_gil(void)
{
	return PCB_OWN_GIL;
}

unsigned long
pcb_interp_version_hex(void)
{
	return PY_VERSION_HEX;
}

const char *
pcb_interp_build(void)
{
	return Py_GetVersion();
}

/* NAME=value, or NAME unset, for pcb_interp_identity. */
static const char *
env_or_unset(const char *name)
{
	const char *v = getenv(name);

	return v != NULL ? v : "\001unset";
}

int
pcb_interp_identity(char **out)
{
	Dl_info dl;
	struct stat st;
	const char *lib;

	/*
	 * Py_GetVersion and PyImport_GetMagicTag need no runtime.  A libpython
	 * linked in statically is this program, whose name dladdr gives as
	 * it was run.
	 */
	if (dladdr((void *)Py_GetVersion, &dl) == 0 || dl.dli_fname == NULL)
		return -ENOENT;
	lib = strchr(dl.dli_fname, '/') ? dl.dli_fname : "/proc/self/exe";
	if (stat(lib, &st) < 0)
		return -errno;
	if (asprintf(out,
		"%s|%s|%lx|%s|%lld|%lld.%09ld|PYTHONPYCACHEPREFIX=%s|"
		"PYTHONOPTIMIZE=%s|PYTHONUTF8=%s|PYTHONCOERCECLOCALE=%s|"
		"LC_ALL=%s|LC_CTYPE=%s|LANG=%s",
		Py_GetVersion(), PyImport_GetMagicTag(),
		(unsigned long)PY_VERSION_HEX, lib, (long long)st.st_size,
		(long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
		env_or_unset("PYTHONPYCACHEPREFIX"),
		env_or_unset("PYTHONOPTIMIZE"), env_or_unset("PYTHONUTF8"),
		env_or_unset("PYTHONCOERCECLOCALE"), env_or_unset("LC_ALL"),
		env_or_unset("LC_CTYPE"), env_or_unset("LANG")) < 0) {
		*out = NULL;
		return -ENOMEM;
	}
	return 0;
}

int
pcb_interp_new(int use_main, struct pcb_interp **out, char **cause)
{
	struct pcb_interp *in = calloc(1, sizeof *in);

	if (in == NULL)
		return pcb_error_set(cause, -ENOMEM, "out of memory");
	if (use_main || !PCB_OWN_GIL) {
		in->interp = PyInterpreterState_Main();
		*out = in;
		return 0;
	}
#if PCB_OWN_GIL
	{
		PyInterpreterConfig cfg = {
			.use_main_obmalloc = 0,
			.allow_fork = 0,
			.allow_exec = 0,
			.allow_threads = 1,
			.allow_daemon_threads = 0,
			.check_multi_interp_extensions = 1,
			.gil = PyInterpreterConfig_OWN_GIL,
		};
		PyThreadState *sub = NULL;
		PyStatus st;

		/* Creation needs a current thread state; it drops main's GIL. */
		PyEval_RestoreThread(main_ts);
		st = Py_NewInterpreterFromConfig(&sub, &cfg);
		if (status_failed(st, "cannot create a subinterpreter", cause) <
		    0) {
			main_ts = PyEval_SaveThread();
			free(in);
			return -EIO;
		}
		in->interp = PyThreadState_GetInterpreter(sub);
		in->owner = sub;
		if (capture_stderr() < 0) {
			Py_EndInterpreter(sub);
			free(in);
			return pcb_error_set(cause, -EIO,
			    "cannot replace sys.stderr");
		}
		PyEval_SaveThread();
	}
#endif
	*out = in;
	return 0;
}

void
pcb_interp_free(struct pcb_interp *in)
{
	if (in == NULL)
		return;
	if (in->owner != NULL) {
		PyEval_RestoreThread(in->owner);
		Py_EndInterpreter(in->owner);
	}
	free(in);
}

void
pcb_interp_attach(struct pcb_interp *in)
{
	PyObject *builtins;

	in->ts = PyThreadState_New(in->interp);
	PyEval_RestoreThread(in->ts);
	builtins = PyImport_ImportModule("builtins");
	in->compile =
	    builtins ? PyObject_GetAttrString(builtins, "compile") : NULL;
	Py_XDECREF(builtins);
	PyErr_Clear();
}

void
pcb_interp_detach(struct pcb_interp *in)
{
	Py_CLEAR(in->compile);
	Py_CLEAR(in->format_exc_only);
	PyThreadState_Clear(in->ts);
	PyThreadState_DeleteCurrent();
	in->ts = NULL;
}

void
pcb_interp_unlock(struct pcb_interp *in)
{
	in->saved = PyEval_SaveThread();
}

void
pcb_interp_relock(struct pcb_interp *in)
{
	PyEval_RestoreThread(in->saved);
	in->saved = NULL;
}

/* traceback.format_exception_only(type, exc), joined: py_compile's text. */
static PyObject *
syntax_error_text(struct pcb_interp *in, PyObject *exc, PyObject *filename)
{
	PyObject *lines = NULL, *empty = NULL, *text = NULL, *from = NULL,
		 *to = NULL, *ret = NULL;

	if (in->format_exc_only == NULL) {
		PyObject *tb = PyImport_ImportModule("traceback");

		if (tb == NULL)
			return NULL;
		in->format_exc_only =
		    PyObject_GetAttrString(tb, "format_exception_only");
		Py_DECREF(tb);
		if (in->format_exc_only == NULL)
			return NULL;
	}
	lines = PyObject_CallFunctionObjArgs(in->format_exc_only,
	    (PyObject *)Py_TYPE(exc), exc, NULL);
	if (lines == NULL || (empty = PyUnicode_FromString("")) == NULL)
		goto out;
	if ((text = PyUnicode_Join(empty, lines)) == NULL)
		goto out;
	from = PyUnicode_FromString("File \"<string>\"");
	to = PyUnicode_FromFormat("File \"%U\"", filename);
	if (from != NULL && to != NULL)
		ret = PyUnicode_Replace(text, from, to, -1);
out:
	Py_XDECREF(lines);
	Py_XDECREF(empty);
	Py_XDECREF(text);
	Py_XDECREF(from);
	Py_XDECREF(to);
	return ret;
}

/* PyCompileError's message for the exception compile() raised. */
static char *
compile_error_text(struct pcb_interp *in, PyObject *exc, PyObject *filename)
{
	PyObject *type = (PyObject *)Py_TYPE(exc), *text = NULL, *name, *str;
	char *ret;

	/* py_compile tests "is SyntaxError": subclasses get the "Sorry:" form. */
	if (type == PyExc_SyntaxError)
		text = syntax_error_text(in, exc, filename);
	if (text == NULL) {
		PyErr_Clear();
		name = PyObject_GetAttrString(type, "__name__");
		str = PyObject_Str(exc);
		if (name != NULL && str != NULL)
			text = PyUnicode_FromFormat("Sorry: %U: %U", name, str);
		Py_XDECREF(name);
		Py_XDECREF(str);
	}
	ret = str_to_utf8(text);
	Py_XDECREF(text);
	PyErr_Clear();
	if (ret == NULL)
		ret = strdup("Sorry: cannot format the compiler's error");
	return ret;
}

/*
 * Forgets the warnings given so far.  Compiled from C, with no Python frame,
 * 3.13.4 to 3.13.8 and 3.14.0 note each compiler warning in
 * sys.__warningregistry__ by (text, category, line) and keep quiet about it
 * after: another file's warning on the same line went unsaid.  Each file
 * starts afresh, as in a process of its own; a file's later levels do not,
 * as in compileall's one process.
 */
static void
forget_warnings(void)
{
	PyObject *reg = PySys_GetObject("__warningregistry__"); /* borrowed */

	if (reg != NULL && PyDict_Check(reg))
		PyDict_Clear(reg);
}

int
pcb_interp_compile(struct pcb_interp *in, const struct pcb_compile_req *req,
    struct pcb_compile_result *res)
{
	PyObject *src = NULL, *fname = NULL, *args = NULL, *kwargs = NULL,
		 *code = NULL, *bytes = NULL, *exc = NULL;
	int ret = -EINVAL;

	memset(res, 0, sizeof *res);
	if (in->compile == NULL)
		return pcb_error_set(&res->message, -EINVAL,
		    "Sorry: builtins.compile is missing");
	src =
	    PyBytes_FromStringAndSize(req->source, (Py_ssize_t)req->source_len);
	fname = PyUnicode_DecodeFSDefault(req->filename);
	if (src == NULL || fname == NULL)
		goto err;
	args = Py_BuildValue("(OOs)", src, fname, "exec");
	kwargs = Py_BuildValue("{s:O,s:i}", "dont_inherit", Py_True, "optimize",
	    req->optimize);
	if (args == NULL || kwargs == NULL)
		goto err;
	if (req->new_file)
		forget_warnings();
	code = PyObject_Call(in->compile, args, kwargs);
	if (code == NULL)
		exc = take_exception();
	res->warnings = take_stderr();
	if (code == NULL)
		goto err;
	/*
	 * marshal flags an object for back-references when its refcount is
	 * above 1.  Where py_compile holds the code object twice when
	 * marshal.dumps runs (a local and the call's argument, PCB_CODE_REF:
	 * configure asked that Python's py_compile), an extra reference gives
	 * the same bytes.
	 */
	if (PCB_CODE_REF)
		Py_INCREF(code);
	bytes = PyMarshal_WriteObjectToString(code, Py_MARSHAL_VERSION);
	if (PCB_CODE_REF)
		Py_DECREF(code);
	if (bytes == NULL)
		goto err;
	res->len = (size_t)PyBytes_GET_SIZE(bytes);
	if ((res->data = malloc(res->len ? res->len : 1)) == NULL) {
		ret = pcb_error_set(&res->message, -ENOMEM,
		    "Sorry: MemoryError: ");
		goto out;
	}
	memcpy(res->data, PyBytes_AS_STRING(bytes), res->len);
	ret = 0;
	goto out;

err:
	if (exc == NULL)
		exc = take_exception();
	if (exc != NULL && fname != NULL)
		res->message = compile_error_text(in, exc, fname);
	else
		pcb_error_set(&res->message, ret, "Sorry: MemoryError: ");
	if (res->message == NULL)
		ret = -ENOMEM;
out:
	Py_XDECREF(exc);
	Py_XDECREF(src);
	Py_XDECREF(fname);
	Py_XDECREF(args);
	Py_XDECREF(kwargs);
	Py_XDECREF(code);
	Py_XDECREF(bytes);
	return ret;
}
