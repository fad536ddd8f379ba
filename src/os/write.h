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
 * How a failure here comes up: the return is 0 or a negative errno, as
 * everywhere (error.h).  An OS error also names the file(s) it is about,
 * as Python's OSError does (filename, filename2): *err_path and, for the
 * rename, *err_path2 get copies of them (owned by the caller; NULL where
 * the error names none), for the caller to word the error in Python's
 * text (pyc/text.h).  Where errno and paths would not tell it (a symbolic link
 * not followed as root), *cause gets the whole text instead.  Each
 * out-parameter may be NULL (not wanted), and must be NULL (or owned text,
 * which is freed) on entry; none is touched on success.
 */

/*
 * Fills *err_path and *err_path2 (as above) with copies of path and path2,
 * either NULL, and returns errnum, a negative errno: the one way this
 * module and dupes.c report an OS error.
 */
int pcb_write_os_error(char **err_path, char **err_path2, int errnum,
    const char *path, const char *path2);

/*
 * Refuses a target that is a symlink (-EEXIST: py_compile raises
 * FileExistsError) or exists and is not a regular file (-EINVAL: its
 * ValueError), with py_compile's text in *cause.  Returns 0, one of those,
 * or -ENOMEM when there was no memory for the text.  *class, if not NULL,
 * is set to the Python exception's name when the target is refused.
 */
int pcb_write_check_target(const char *cfile, char **cause, const char **class);

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
 * Returns the fd, or a negative errno with *err_path or *cause.
 */
int pcb_write_open_dir(const char *cfile, const char *last, const char **base,
    char **err_path, char **cause);

/*
 * Opens cfile's directory (pcb_write_open_dir), then writes head and body to
 * a fresh temp file in it and renames that over cfile, both relative to the
 * directory.  The temp file is removed on any failure.  Returns 0 or a
 * negative errno with *err_path (and *err_path2) or *cause.
 */
int pcb_write_pyc(const char *cfile, const void *head, size_t headlen,
    const void *body, size_t bodylen, mode_t source_mode, char **err_path,
    char **err_path2, char **cause);

#endif
