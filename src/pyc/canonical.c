/*
 * canonical.c: the canonical marshal form behind --reproducible.
 *
 * Three things in marshal.dumps() output depend on the writing process's
 * history rather than on the code: FLAG_REF (set when an object's reference
 * count is above one), whether two equal constants are one object or two
 * (the compiler's constant cache, interned and singleton strings), and the
 * "interned" mark of a string.  The order of a frozenset's elements follows
 * from them, because marshal sorts the elements by their own marshal bytes.
 *
 * So the stream is parsed into a graph, and every immutable object is given
 * a value class: same type code, same bytes, same classes of children (the
 * children of a frozenset sorted by value).  The stream is then written
 * again, in the same order: the first object of each class in full, later
 * ones as TYPE_REF, FLAG_REF only on classes that are referenced, references
 * numbered as they appear, interned marks dropped.  Everything written
 * depends on the values alone.  Loading gives equal code objects: only the
 * identity of equal constants changes, and a code object's constructor
 * interns its names and identifier-like constants whatever the mark said.
 *
 * Pure C, no Python: any thread, no lock.  Layouts are those of
 * Python/marshal.c for marshal versions 4 (3.9 to 3.13), 5 (3.14's
 * TYPE_SLICE) and 6 (3.15's TYPE_FROZENDICT).  A frozendict is written in
 * full wherever it occurs, never flagged nor referred to: 3.15.0's marshal
 * cannot load a reference to one (gh-155315).  Only a code object's layout depends on the Python version
 * (code_layouts below); the caller names the version, since the stream does
 * not.
 */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pyc/canonical.h"

#define FLAG_REF 0x80
/* marshal.c refuses deeper nesting too (MAX_MARSHAL_STACK_DEPTH). */
#define MAX_DEPTH 2000
#define NONE UINT32_MAX
/* The Python 3 minor versions whose code objects we know. */
#define MIN_MINOR 9
#define MAX_MINOR 15

/*
 * A code object in the stream: after its type code, nints 32-bit fields,
 * nbefore objects, co_firstlineno (32 bits), nafter objects, as
 * w_complex_object() in Python/marshal.c writes them; checked against
 * marshal.dumps() of 3.9 to 3.13, field by field.
 */
struct code_layout {
	unsigned since; /* the first minor version written so */
	uint8_t nints;
	uint8_t nbefore;
	uint8_t nafter;
	uint8_t filename; /* co_filename's place among the objects */
};

static const struct code_layout code_layouts[] = {
	/* 3.9, 3.10: argcount, posonlyargcount, kwonlyargcount, nlocals,
	 * stacksize, flags; code, consts, names, varnames, freevars,
	 * cellvars, filename, name; firstlineno; lnotab (3.9) or linetable
	 * (3.10). */
	{ 9, 6, 8, 1, 6 },
	/* 3.11 on: argcount, posonlyargcount, kwonlyargcount, stacksize,
	 * flags; code, consts, names, localsplusnames, localspluskinds,
	 * filename, name, qualname; firstlineno; linetable, exceptiontable. */
	{ 11, 5, 8, 2, 5 },
};

/* One object of the stream. */
struct node {
	uint8_t type;     /* type code, no FLAG_REF, no interned mark */
	uint8_t unique;   /* a mutable container: a class of its own */
	uint32_t payload; /* offset of its bytes in the input */
	uint32_t plen;
	uint32_t aux;  /* code objects: offset of co_firstlineno, else NONE */
	uint32_t kids; /* offset of its children in parse.kids */
	uint32_t nkids;
	uint32_t cls; /* the first node of its value class */
};

/* What the output walks track per value class (indexed by its node). */
struct class_state {
	uint8_t written; /* written in full once already */
	uint8_t shared;  /* a later object refers to it */
	uint32_t ref;    /* its reference number in the output */
};

struct parse {
	const struct code_layout *layout; /* of the Python that wrote in */
	const uint8_t *in;
	size_t len, pos;
	struct node *nodes;
	size_t nnodes, capnodes;
	uint32_t *kids; /* children of every node, in slices */
	size_t nkids, capkids;
	uint32_t *stack; /* children of the nodes being parsed */
	size_t nstack, capstack;
	uint32_t *refs; /* input reference number -> node */
	size_t nrefs, caprefs;
	uint32_t *table; /* open addressing: node of each class */
	size_t tablemask;
};

/* Appends v to a growable uint32_t array. */
static int
push(uint32_t **a, size_t *n, size_t *cap, uint32_t v)
{
	if (*n == *cap) {
		size_t c = *cap ? 2 * *cap : 256;
		uint32_t *p;

		if (c > UINT32_MAX / 2 ||
		    (p = realloc(*a, c * sizeof *p)) == NULL)
			return -ENOMEM;
		*a = p;
		*cap = c;
	}
	(*a)[(*n)++] = v;
	return 0;
}

/* Reads a little-endian 32-bit word at offset off. */
static uint32_t
get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

/* Takes n more input bytes as part of the current payload. */
static int
take(struct parse *p, size_t n)
{
	if (p->len - p->pos < n)
		return -EINVAL;
	p->pos += n;
	return 0;
}

/* Takes a 32-bit count and returns it in *n, at most limit. */
static int
take_count(struct parse *p, size_t limit, uint32_t *n)
{
	if (p->len - p->pos < 4)
		return -EINVAL;
	*n = get_u32(p->in + p->pos);
	if ((int32_t)*n < 0 || *n > limit)
		return -EINVAL;
	p->pos += 4;
	return 0;
}

/* Takes a one-byte count n and n bytes. */
static int
take_short(struct parse *p)
{
	if (p->pos >= p->len)
		return -EINVAL;
	return take(p, 1 + (size_t)p->in[p->pos]);
}

/* The type code of a str without its "interned" mark. */
static uint8_t
uninterned(uint8_t type)
{
	switch (type) {
	case 't':
		return 'u';
	case 'A':
		return 'a';
	case 'Z':
		return 'z';
	default:
		return type;
	}
}

/* Objects marshal always writes inline, never as references. */
static int
is_inline(uint8_t type)
{
	return strchr("NFTS.", type) != NULL;
}

/* A total order on values: type, bytes, then children, recursively. */
static int
compare_values(const struct parse *p, uint32_t a, uint32_t b)
{
	const struct node *x = &p->nodes[a], *y = &p->nodes[b];
	int c;

	if (x->cls != NONE && x->cls == y->cls)
		return 0;
	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	if (x->unique || y->unique)
		return a < b ? -1 : a > b;
	if (x->plen != y->plen)
		return x->plen < y->plen ? -1 : 1;
	if ((c = memcmp(p->in + x->payload, p->in + y->payload, x->plen)))
		return c;
	if (x->aux != NONE && (c = memcmp(p->in + x->aux, p->in + y->aux, 4)))
		return c;
	if (x->nkids != y->nkids)
		return x->nkids < y->nkids ? -1 : 1;
	for (uint32_t i = 0; i < x->nkids; i++)
		if ((c = compare_values(p, p->kids[x->kids + i],
			 p->kids[y->kids + i])))
			return c;
	return 0;
}

/* Sorts a frozenset's children by value (insertion sort: sets are small). */
static void
sort_kids(struct parse *p, const struct node *n)
{
	uint32_t *k;

	if (n->nkids < 2)
		return;
	k = p->kids + n->kids;
	for (uint32_t i = 1; i < n->nkids; i++) {
		uint32_t v = k[i], j = i;

		while (j > 0 && compare_values(p, k[j - 1], v) > 0) {
			k[j] = k[j - 1];
			j--;
		}
		k[j] = v;
	}
}

/* FNV-1a over bytes, continuing from h. */
static uint64_t
hash_bytes(uint64_t h, const uint8_t *s, size_t n)
{
	while (n-- > 0)
		h = (h ^ *s++) * 0x100000001b3ull;
	return h;
}

/* Whether node a has the value of class representative b. */
static int
same_value(const struct parse *p, const struct node *a, const struct node *b)
{
	if (a->type != b->type || b->unique || a->plen != b->plen ||
	    a->nkids != b->nkids || (a->aux == NONE) != (b->aux == NONE))
		return 0;
	if (memcmp(p->in + a->payload, p->in + b->payload, a->plen) != 0)
		return 0;
	if (a->aux != NONE && memcmp(p->in + a->aux, p->in + b->aux, 4) != 0)
		return 0;
	for (uint32_t i = 0; i < a->nkids; i++)
		if (p->nodes[p->kids[a->kids + i]].cls !=
		    p->nodes[p->kids[b->kids + i]].cls)
			return 0;
	return 1;
}

/* Gives node i its class: an existing one of equal value, or its own. */
static void
classify(struct parse *p, uint32_t i)
{
	struct node *n = &p->nodes[i];
	uint64_t h = 0xcbf29ce484222325ull;
	size_t slot;

	if (n->unique) {
		n->cls = i;
		return;
	}
	if (n->type == '>')
		sort_kids(p, n);
	h = hash_bytes(h, &n->type, 1);
	h = hash_bytes(h, p->in + n->payload, n->plen);
	if (n->aux != NONE)
		h = hash_bytes(h, p->in + n->aux, 4);
	for (uint32_t k = 0; k < n->nkids; k++) {
		uint32_t c = p->nodes[p->kids[n->kids + k]].cls;

		h = hash_bytes(h, (const uint8_t *)&c, sizeof c);
	}
	for (slot = h & p->tablemask; p->table[slot] != NONE;
	     slot = (slot + 1) & p->tablemask) {
		if (same_value(p, n, &p->nodes[p->table[slot]])) {
			n->cls = p->table[slot];
			return;
		}
	}
	p->table[slot] = i;
	n->cls = i;
}

/* The bytes of node n that are its own, not its children's: all of them
 * but for containers, which keep only their counts or fields. */
static uint32_t
payload_len(const struct parse *p, const struct node *n)
{
	switch (n->type) {
	case ')':
		return 1;
	case '(':
	case '[':
	case '<':
	case '>':
		return 4;
	case 'c':
		return 4 * (uint32_t)p->layout->nints;
	case '{':
	case '}':
	case ':':
		return 0;
	default:
		return (uint32_t)(p->pos - n->payload);
	}
}

static int parse_object(struct parse *p, int depth, uint32_t *out);

/* Parses n objects in a row as children of the node being parsed. */
static int
parse_kids(struct parse *p, size_t n, int depth)
{
	uint32_t kid;
	int ret;

	while (n-- > 0) {
		if ((ret = parse_object(p, depth, &kid)) < 0)
			return ret;
		if ((ret = push(&p->stack, &p->nstack, &p->capstack, kid)) < 0)
			return ret;
	}
	return 0;
}

/* The bytes and children of an object whose type byte was just read. */
static int
parse_body(struct parse *p, uint32_t i, int depth)
{
	uint32_t count;
	int ret;

	/* parse_kids may move the nodes: p->nodes[i], never a pointer. */
	switch (p->nodes[i].type) {
	case 'N': /* None */
	case 'F':
	case 'T':
	case 'S': /* StopIteration */
	case '.': /* Ellipsis */
		return 0;
	case 'i':
		return take(p, 4);
	case 'I':
	case 'g': /* binary float */
		return take(p, 8);
	case 'y': /* binary complex */
		return take(p, 16);
	case 'f': /* text float */
		return take_short(p);
	case 'x': /* text complex */
		if ((ret = take_short(p)) < 0)
			return ret;
		return take_short(p);
	case 'l': /* a signed digit count, two bytes per digit */
		if (p->len - p->pos < 4)
			return -EINVAL;
		count = get_u32(p->in + p->pos);
		if ((int32_t)count == INT32_MIN)
			return -EINVAL;
		if ((int32_t)count < 0)
			count = (uint32_t) - (int32_t)count;
		if (count > (p->len - p->pos - 4) / 2)
			return -EINVAL;
		return take(p, 4 + (size_t)count * 2);
	case 's': /* bytes */
	case 'u': /* str */
	case 'a': /* ASCII str */
		if ((ret = take_count(p, p->len, &count)) < 0)
			return ret;
		return take(p, count);
	case 'z': /* short ASCII str */
		return take_short(p);
	case '[':
	case '<': /* set */
		p->nodes[i].unique = 1;
		/* fall through */
	case '(':
	case '>': /* frozenset */
		/* Every object takes at least one byte. */
		if ((ret = take_count(p, p->len - p->pos, &count)) < 0)
			return ret;
		return parse_kids(p, count, depth + 1);
	case ')': /* small tuple */
		if ((ret = take(p, 1)) < 0)
			return ret;
		return parse_kids(p, p->in[p->pos - 1], depth + 1);
	case '{':
		p->nodes[i].unique = 1;
		/* fall through */
	case '}': /* frozendict (3.15) */
		for (;;) {
			if (p->pos >= p->len)
				return -EINVAL;
			/* NULL ends a dict, flagged or not (as in marshal.c);
			 * anywhere else it is an error. */
			if ((p->in[p->pos] & ~FLAG_REF) == '0') {
				p->pos++;
				return 0;
			}
			if ((ret = parse_kids(p, 2, depth + 1)) < 0)
				return ret;
		}
	case 'c':
		if ((ret = take(p, (size_t)p->layout->nints * 4)) < 0)
			return ret;
		if ((ret = parse_kids(p, p->layout->nbefore, depth + 1)) < 0)
			return ret;
		p->nodes[i].aux = (uint32_t)p->pos;
		if ((ret = take(p, 4)) < 0)
			return ret;
		return parse_kids(p, p->layout->nafter, depth + 1);
	case ':': /* slice (3.14) */
		return parse_kids(p, 3, depth + 1);
	default:
		return -EINVAL;
	}
}

/* Parses one object into a node (or finds a reference's target). */
static int
parse_object(struct parse *p, int depth, uint32_t *out)
{
	struct node *n;
	size_t base = p->nstack;
	uint32_t i, ref;
	uint8_t code;
	int ret;

	if (depth > MAX_DEPTH || p->pos >= p->len)
		return -EINVAL;
	code = p->in[p->pos++];
	if ((code & ~FLAG_REF) == 'r') {
		if ((code & FLAG_REF) || p->len - p->pos < 4)
			return -EINVAL;
		ref = get_u32(p->in + p->pos);
		p->pos += 4;
		/* A reference to an object still being parsed is a cycle. */
		if (ref >= p->nrefs || p->nodes[p->refs[ref]].cls == NONE)
			return -EINVAL;
		*out = p->refs[ref];
		return 0;
	}

	if (p->nnodes == p->capnodes) {
		size_t c = p->capnodes ? 2 * p->capnodes : 256;

		if (c > UINT32_MAX / 2 ||
		    (n = realloc(p->nodes, c * sizeof *n)) == NULL)
			return -ENOMEM;
		p->nodes = n;
		p->capnodes = c;
	}
	i = (uint32_t)p->nnodes++;
	n = &p->nodes[i];
	*n = (struct node){ .type = uninterned(code & ~FLAG_REF),
		.payload = (uint32_t)p->pos,
		.aux = NONE,
		.cls = NONE };
	/* marshal numbers a flagged object before its children. */
	if ((code & FLAG_REF) &&
	    (ret = push(&p->refs, &p->nrefs, &p->caprefs, i)) < 0)
		return ret;
	if ((ret = parse_body(p, i, depth)) < 0)
		return ret;

	n = &p->nodes[i];
	n->plen = payload_len(p, n);
	n->kids = (uint32_t)p->nkids;
	n->nkids = (uint32_t)(p->nstack - base);
	for (size_t k = base; k < p->nstack; k++)
		if ((ret = push(&p->kids, &p->nkids, &p->capkids,
			 p->stack[k])) < 0)
			return ret;
	p->nstack = base;
	if (p->table != NULL)
		classify(p, i);
	else
		p->nodes[i].cls = i;
	*out = i;
	return 0;
}

/* The output walks: the first sizes and finds shared classes, the second
 * writes. */
struct emit {
	const struct parse *p;
	struct class_state *cs;
	uint8_t *out; /* NULL on the first walk */
	size_t pos;
	uint32_t next_ref;
};

/* Puts n bytes, or just counts them on the first walk. */
static void
put(struct emit *e, const void *s, size_t n)
{
	if (e->out != NULL)
		memcpy(e->out + e->pos, s, n);
	e->pos += n;
}

/* Writes node i: in full the first time its class is met, else a ref. */
static void
emit_node(struct emit *e, uint32_t i)
{
	const struct parse *p = e->p;
	const struct node *n = &p->nodes[i];
	struct class_state *c = &e->cs[n->cls];
	uint8_t type = n->type;
	uint8_t ref[5];

	if (is_inline(type)) {
		put(e, &type, 1);
		return;
	}
	if (type == '}') {
		put(e, &type, 1);
		for (uint32_t k = 0; k < n->nkids; k++)
			emit_node(e, p->kids[n->kids + k]);
		put(e, "0", 1);
		return;
	}
	if (c->written) {
		c->shared = 1;
		ref[0] = 'r';
		ref[1] = (uint8_t)c->ref;
		ref[2] = (uint8_t)(c->ref >> 8);
		ref[3] = (uint8_t)(c->ref >> 16);
		ref[4] = (uint8_t)(c->ref >> 24);
		put(e, ref, sizeof ref);
		return;
	}
	c->written = 1;
	if (e->out != NULL && c->shared) {
		c->ref = e->next_ref++;
		type |= FLAG_REF;
	}
	put(e, &type, 1);
	put(e, p->in + n->payload, n->plen);
	for (uint32_t k = 0; k < n->nkids; k++) {
		if (n->type == 'c' && k == p->layout->nbefore)
			put(e, p->in + n->aux, 4);
		emit_node(e, p->kids[n->kids + k]);
	}
	if (n->type == '{')
		put(e, "0", 1);
}

/* The code object layout of Python 3.py_minor, or NULL if unknown. */
static const struct code_layout *
code_layout(unsigned py_minor)
{
	const struct code_layout *l = NULL;

	if (py_minor < MIN_MINOR || py_minor > MAX_MINOR)
		return NULL;
	for (size_t k = 0; k < sizeof code_layouts / sizeof *code_layouts; k++)
		if (code_layouts[k].since <= py_minor)
			l = &code_layouts[k];
	return l;
}

/*
 * Parses the whole stream in into p; *root is the top object.  With
 * classes, each node also gets its value class (classify); without, each
 * node is a class of its own, which is all the name swap needs.
 */
static int
parse_stream(struct parse *p, const uint8_t *in, size_t len, unsigned py_minor,
    int classes, uint32_t *root)
{
	size_t slots = 1024;
	int ret;

	*p = (struct parse){ .in = in, .len = len };
	if ((p->layout = code_layout(py_minor)) == NULL ||
	    len >= UINT32_MAX / 4)
		return -EINVAL;
	if (classes) {
		/* At most one node per input byte; half full at worst. */
		while (slots < 2 * len)
			slots *= 2;
		if ((p->table = malloc(slots * sizeof *p->table)) == NULL)
			return -ENOMEM;
		memset(p->table, 0xff, slots * sizeof *p->table);
		p->tablemask = slots - 1;
	}
	if ((ret = parse_object(p, 0, root)) < 0)
		return ret;
	return p->pos == len ? 0 : -EINVAL;
}

static void
parse_free(struct parse *p)
{
	free(p->nodes);
	free(p->kids);
	free(p->stack);
	free(p->refs);
	free(p->table);
}

int
pcb_canonical_rewrite(const uint8_t *in, size_t len, unsigned py_minor,
    uint8_t **out, size_t *outlen)
{
	struct parse p;
	struct emit e = { .p = &p };
	uint32_t root;
	int ret;

	*out = NULL;
	*outlen = 0;
	if ((ret = parse_stream(&p, in, len, py_minor, 1, &root)) < 0)
		goto out_parse;

	if ((e.cs = calloc(p.nnodes, sizeof *e.cs)) == NULL) {
		ret = -ENOMEM;
		goto out_parse;
	}
	emit_node(&e, root);
	if ((e.out = malloc(e.pos)) == NULL) {
		ret = -ENOMEM;
		goto out_states;
	}
	*outlen = e.pos;
	for (size_t k = 0; k < p.nnodes; k++)
		e.cs[k].written = 0;
	e.pos = 0;
	emit_node(&e, root);
	*out = e.out;
	ret = 0;

out_states:
	free(e.cs);
out_parse:
	parse_free(&p);
	return ret;
}

/* The text of a str node, or NULL for any other node. */
static const uint8_t *
str_text(const struct parse *p, const struct node *n, size_t *len)
{
	const uint8_t *s = p->in + n->payload;

	switch (n->type) {
	case 'z':
		*len = s[0];
		return s + 1;
	case 'a':
	case 'u':
		*len = get_u32(s);
		return s + 4;
	default:
		return NULL;
	}
}

static int
str_is(const struct parse *p, const struct node *n, const char *text)
{
	size_t len;
	const uint8_t *s = str_text(p, n, &len);

	return s != NULL && len == strlen(text) && memcmp(s, text, len) == 0;
}

/* True for a name the compiler could treat as an identifier. */
static int
identifier_like(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
			(*s >= '0' && *s <= '9') || *s == '_'))
			return 0;
	return 1;
}

/*
 * Marks in is_name[] the co_filename strings of every code object; each
 * must be old.  Returns 0, -EINVAL for one that is not, or -EEXIST when
 * another object also uses one of them or equals old or name.
 */
static int
find_filenames(const struct parse *p, uint8_t *is_name, const char *old,
    const char *name)
{
	uint32_t *uses;
	int ret = 0;

	if ((uses = calloc(p->nnodes, sizeof *uses)) == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < p->nnodes; i++) {
		const struct node *n = &p->nodes[i];

		for (uint32_t k = 0; k < n->nkids; k++)
			uses[p->kids[n->kids + k]]++;
		if (n->type == 'c') {
			uint32_t f = p->kids[n->kids + p->layout->filename];

			/* The placeholder is short ASCII: 'z' or 'Z'. */
			if (!str_is(p, &p->nodes[f], old) ||
			    p->nodes[f].type != 'z') {
				ret = -EINVAL;
				goto out;
			}
			is_name[f] = 1;
			uses[f]--; /* counted above as a kid */
		}
	}
	for (size_t i = 0; i < p->nnodes; i++) {
		if (is_name[i] ? uses[i] != 0 :
				 str_is(p, &p->nodes[i], old) ||
			    str_is(p, &p->nodes[i], name)) {
			ret = -EEXIST;
			break;
		}
	}
out:
	free(uses);
	return ret;
}

int
pcb_canonical_can_rename(const char *name)
{
	for (const char *s = name; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return !identifier_like(name) && strlen(name) <= INT32_MAX;
}

int
pcb_canonical_rename(const uint8_t *in, size_t len, unsigned py_minor,
    const char *old, const char *name, uint8_t **out, size_t *outlen)
{
	struct parse p;
	uint8_t *is_name = NULL, *o;
	size_t nlen = strlen(name), olen = strlen(old), nnames = 0, pos = 0;
	uint32_t root;
	int ret;

	*out = NULL;
	*outlen = 0;
	if (!pcb_canonical_can_rename(name) || !pcb_canonical_can_rename(old) ||
	    olen >= 256)
		return -EEXIST;
	if ((ret = parse_stream(&p, in, len, py_minor, 0, &root)) < 0)
		goto out;
	/* A module's code, nothing else. */
	if (p.nodes[root].type != 'c') {
		ret = -EINVAL;
		goto out;
	}
	if ((is_name = calloc(p.nnodes, 1)) == NULL) {
		ret = -ENOMEM;
		goto out;
	}
	if ((ret = find_filenames(&p, is_name, old, name)) < 0)
		goto out;
	for (size_t i = 0; i < p.nnodes; i++)
		nnames += is_name[i];
	/* Each old string (a short one) becomes a short or a long one. */
	if ((o = malloc(len + nnames * (nlen + 5))) == NULL) {
		ret = -ENOMEM;
		goto out;
	}
	*out = o;
	/* Nodes are numbered in stream order: copy up to each name, swap. */
	for (size_t i = 0; i < p.nnodes; i++) {
		const struct node *n = &p.nodes[i];
		size_t start = n->payload - 1;
		uint8_t code = in[start];
		int interned = (code & ~FLAG_REF) == 'Z';

		if (!is_name[i])
			continue;
		memcpy(o, in + pos, start - pos);
		o += start - pos;
		if (nlen < 256) {
			*o++ = (uint8_t)((code & FLAG_REF) |
			    (interned ? 'Z' : 'z'));
			*o++ = (uint8_t)nlen;
		} else {
			*o++ = (uint8_t)((code & FLAG_REF) |
			    (interned ? 'A' : 'a'));
			*o++ = (uint8_t)nlen;
			*o++ = (uint8_t)(nlen >> 8);
			*o++ = (uint8_t)(nlen >> 16);
			*o++ = (uint8_t)(nlen >> 24);
		}
		memcpy(o, name, nlen);
		o += nlen;
		pos = n->payload + n->plen;
	}
	memcpy(o, in + pos, len - pos);
	o += len - pos;
	*outlen = (size_t)(o - *out);
	ret = 0;
out:
	if (ret < 0) {
		free(*out);
		*out = NULL;
	}
	free(is_name);
	parse_free(&p);
	return ret;
}
