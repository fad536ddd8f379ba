/*
 * list.h: the file list read from standard input for "-" (SPEC 2).
 * Main thread only, before the engine starts.
 */
#ifndef PCB_LIST_H
#define PCB_LIST_H

#include <stddef.h>

/* A growable array of owned strings. */
struct pcb_list {
	char **items;
	size_t len, cap;
};

/* Appends a copy of the n bytes at s.  Returns 0 or -ENOMEM. */
int pcb_list_add(struct pcb_list *list, const char *s, size_t n);

/*
 * Splits buf at sep ('\n' or '\0') and appends each entry.  Empty entries are
 * skipped and a missing final separator is fine.  Returns 0, -ENOMEM, or
 * -EILSEQ for a newline list with a NUL byte in it: no name holds one, and
 * such a list is most likely find -print0's, given without -0.
 */
int pcb_list_parse(struct pcb_list *list, const char *buf, size_t len,
    char sep);

/*
 * compileall -i's list: each line of buf (ended by "\n", "\r\n" or "\r",
 * as Python's universal newlines end them) with leading and trailing
 * whitespace stripped, empty ones kept ("for line in f: line.strip()").
 * Returns 0, -ENOMEM, or -EILSEQ for a NUL byte.
 */
int pcb_list_parse_lines(struct pcb_list *list, const char *buf, size_t len);

/* Frees every entry and the array; accepts an empty list. */
void pcb_list_fini(struct pcb_list *list);

#endif
