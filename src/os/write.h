/*
 * write.h: putting a .pyc in place the way importlib does (SPEC 3, 6).
 * Any thread, no interpreter needed; each call touches only its own paths.
 */
#ifndef PCB_WRITE_H
#define PCB_WRITE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * Refuses a target that is a symlink or exists and is not a regular file,
 * with py_compile's text in *message (owned by the caller).  Returns 0 or
 * -EEXIST.
 */
int pcb_write_check_target(const char *cfile, char **message);

/*
 * What failed, for the error text: the errno and the path(s) involved, or a
 * message of our own.
 */
struct pcb_write_error {
	int errnum;    /* negative errno */
	char *path;    /* owned; NULL when the error names no file */
	char *path2;   /* owned; rename's destination */
	char *message; /* owned; if set, the whole text */
};

/*
 * Writes every byte of head, then of body, to fd, going on after short
 * writes and EINTR.  Returns 0 or a negative errno.
 */
int pcb_write_all(int fd, const void *head, size_t headlen, const void *body,
    size_t bodylen);

/*
 * Opens the directory cfile goes in (O_PATH), making missing ones as
 * os.makedirs does, without following a symbolic link through a path
 * (links are read and walked; as root, only those root owns in directories
 * root owns: SPEC 6).  *base: the file name within it (in cfile).  last:
 * the path to name if a failure lies past the directory (the temp file's).
 * Returns the fd, or a negative errno with *err filled.
 */
int pcb_write_open_dir(const char *cfile, const char *last, const char **base,
    struct pcb_write_error *err);

/*
 * Opens cfile's directory (pcb_write_open_dir), then writes head and body to
 * a fresh temp file in it and renames that over cfile, both relative to the
 * directory.  The temp file is removed on any failure.  Returns 0 or a
 * negative errno with *err filled.
 */
int pcb_write_pyc(const char *cfile, const void *head, size_t headlen,
    const void *body, size_t bodylen, mode_t source_mode,
    struct pcb_write_error *err);

#endif
