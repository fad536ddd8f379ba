/*
 * list.c: parsing the file list given on standard input.  Like py_compile's
 * "-", one path per line with the line's final newline removed; with -0 the
 * separator is NUL so that any path (newlines included) can be passed.
 */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/list.h"

int
pcb_list_add(struct pcb_list *list, const char *s, size_t n)
{
	char *copy;

	if (list->len == list->cap) {
		size_t cap = list->cap ? list->cap * 2 : 64;
		char **items = realloc(list->items, cap * sizeof *items);

		if (items == NULL)
			return -ENOMEM;
		list->items = items;
		list->cap = cap;
	}
	if ((copy = malloc(n + 1)) == NULL)
		return -ENOMEM;
	memcpy(copy, s, n);
	copy[n] = '\0';
	list->items[list->len++] = copy;
	return 0;
}

int
pcb_list_parse(struct pcb_list *list, const char *buf, size_t len, char sep)
{
	size_t start = 0;

	while (start < len) {
		const char *end = memchr(buf + start, sep, len - start);
		size_t n = end ? (size_t)(end - (buf + start)) : len - start;
		int ret;

		/* py_compile refuses a name with a NUL (ValueError). */
		if (sep != '\0' && memchr(buf + start, '\0', n) != NULL)
			return -EILSEQ;
		if (n > 0 && (ret = pcb_list_add(list, buf + start, n)) < 0)
			return ret;
		start += n + 1;
	}
	return 0;
}

/* str.strip()'s ASCII whitespace (the separators are gone already). */
static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\n' ||
	    c == '\r' || (c >= '\x1c' && c <= '\x1f');
}

int
pcb_list_parse_lines(struct pcb_list *list, const char *buf, size_t len)
{
	size_t start = 0;

	if (memchr(buf, '\0', len) != NULL)
		return -EILSEQ;
	while (start < len) {
		size_t end = start, next, a = start, b;
		int ret;

		while (end < len && buf[end] != '\n' && buf[end] != '\r')
			end++;
		/* "\r\n" is one end of line. */
		next = end;
		if (end < len)
			next += buf[end] == '\r' && end + 1 < len &&
				buf[end + 1] == '\n' ?
			    2 :
			    1;
		b = end;
		while (a < b && is_space(buf[a]))
			a++;
		while (b > a && is_space(buf[b - 1]))
			b--;
		if ((ret = pcb_list_add(list, buf + a, b - a)) < 0)
			return ret;
		start = next;
	}
	return 0;
}

void
pcb_list_fini(struct pcb_list *list)
{
	for (size_t i = 0; i < list->len; i++)
		free(list->items[i]);
	free(list->items);
	list->items = NULL;
	list->len = list->cap = 0;
}
