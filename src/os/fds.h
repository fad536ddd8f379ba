/*
 * fds.h: riding out a shortage of file descriptors (ulimit -n).  The files a
 * run opens for a moment (sources, temp files) are counted; an open that
 * fails with EMFILE or ENFILE waits for one of them to close and tries
 * again, so that a low limit makes the run slower, never a file fail, as
 * long as one file at a time can be open.
 */
#ifndef PCB_FDS_H
#define PCB_FDS_H

#include <dirent.h>
#include <sys/types.h>

/*
 * How many more files this process may open (ulimit -n), as far as
 * /proc/self/fd tells (0 if it cannot be opened for want of one);
 * PCB_FDS_PLENTY if it cannot tell or there are more.
 * A run needs PCB_FDS_LEAST before it starts (libuv's and Python's own,
 * one source, one temp file), and PCB_FDS_WRITE once Python has started (a
 * directory and the next one, or its temp file).
 */
#define PCB_FDS_PLENTY 64
#define PCB_FDS_LEAST 8
#define PCB_FDS_WRITE 2
long pcb_fds_room(void);

/*
 * A write holds a directory's fd while it opens the next one: two writes
 * short of descriptors could each wait for the other's.  Once this is
 * called (the engine does, short of them), writes take turns:
 * pcb_fds_turn(1) before, pcb_fds_turn(0) after.
 */
void pcb_fds_take_turns(void);
void pcb_fds_turn(int take);

/*
 * openat(2), the fd counted, a shortage of descriptors waited out
 * (pcb_fds_wait).  Returns the fd, or a negative errno.
 */
int pcb_fds_openat(int dir, const char *path, int flags, mode_t mode);

/*
 * Closes a counted fd (counted as closed whatever close(2) says).  Returns
 * 0 or a negative errno.
 */
int pcb_fds_close(int fd);

/*
 * A directory to read (readdir), opened as pcb_fds_openat opens; flags is 0
 * or O_NOFOLLOW (a link in its place is then not followed: -ELOOP).
 * Returns 0 with *out, or a negative errno.  pcb_fds_closedir closes it;
 * returns 0 or a negative errno.
 */
int pcb_fds_opendir(int dir, const char *path, int flags, DIR **out);
int pcb_fds_closedir(DIR *d);

/*
 * After a failed open (or spawn), given its negative errno: 1 to try again
 * (it waited 1 ms for an fd to close), 0 to give up: another error; about
 * 10 s of waits; or 0.2 s of waits while none of the counted fds but this
 * thread's own was open (Python's own files may close meanwhile), and at
 * once after such a wait was once in vain.  *tries starts at 0.  A yes or
 * no, not an error: the caller keeps the errno it had.
 */
int pcb_fds_wait(int errnum, unsigned *tries);

#endif
