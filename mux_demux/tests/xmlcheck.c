/*
 * xmlcheck.c — a small well-formedness checker for the SVG the kit draws
 * (see xmlcheck.h): a cursor over the document and a stack of open tags.
 */
#include <stdio.h>
#include <string.h>

#include "xmlcheck.h"

#define XML_DEPTH	32
#define XML_NAME	32

struct xml {
	const char *s;
	size_t len, i;
	char stack[XML_DEPTH][XML_NAME];
	int depth, roots;
};

static int
xml_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    c == '-' || c == '_' || c == ':' || c == '.';
}

static size_t
xml_name(struct xml *x, char *out)
{
	size_t n = 0;

	while (x->i < x->len && xml_name_char(x->s[x->i]) && n + 1 < XML_NAME)
		out[n++] = x->s[x->i++];
	out[n] = '\0';
	return n;
}

static void
xml_ws(struct xml *x)
{
	while (x->i < x->len && strchr(" \t\r\n", x->s[x->i]) != NULL && x->s[x->i] != '\0')
		x->i++;
}

/* '&' at x->i: a predefined entity or a character reference. */
static const char *
xml_entity(struct xml *x)
{
	static const char *const ok[] = { "&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&#" };

	for (size_t k = 0; k < sizeof(ok) / sizeof(ok[0]); k++)
		if (x->len - x->i >= strlen(ok[k]) && memcmp(x->s + x->i, ok[k], strlen(ok[k])) == 0) {
			const char *semi = memchr(x->s + x->i, ';', x->len - x->i);

			if (semi == NULL)
				return "unterminated reference";
			x->i = (size_t)(semi - x->s) + 1;
			return NULL;
		}
	return "bare '&'";
}

/* Attributes up to '>' or '/>'; *empty says which. */
static const char *
xml_attrs(struct xml *x, int *empty)
{
	char name[XML_NAME];

	for (;;) {
		xml_ws(x);
		if (x->i < x->len && x->s[x->i] == '>')
			return x->i++, *empty = 0, NULL;
		if (x->len - x->i >= 2 && x->s[x->i] == '/' && x->s[x->i + 1] == '>')
			return x->i += 2, *empty = 1, NULL;
		if (xml_name(x, name) == 0)
			return "bad attribute name";
		xml_ws(x);
		if (x->i + 1 >= x->len || x->s[x->i] != '=')
			return "attribute without '='";
		x->i++;
		xml_ws(x);
		if (x->i >= x->len || (x->s[x->i] != '"' && x->s[x->i] != '\''))
			return "unquoted attribute value";
		for (char q = x->s[x->i++]; x->i < x->len && x->s[x->i] != q;) {
			const char *why;

			if (x->s[x->i] == '<')
				return "'<' in an attribute value";
			if (x->s[x->i] != '&')
				x->i++;
			else if ((why = xml_entity(x)) != NULL)
				return why;
		}
		if (x->i++ >= x->len)
			return "unterminated attribute value";
	}
}

/* A tag at x->i (after '<'): declaration, closing, or opening. */
static const char *
xml_tag(struct xml *x)
{
	char name[XML_NAME];
	int empty;
	const char *why;

	if (x->s[x->i] == '?') {
		const char *end = strstr(x->s + x->i, "?>");

		if (end == NULL || x->depth > 0 || x->roots > 0)
			return "bad declaration";
		x->i = (size_t)(end - x->s) + 2;
		return NULL;
	}
	if (x->s[x->i] == '/') {
		x->i++;
		xml_name(x, name);
		xml_ws(x);
		if (x->depth == 0 || strcmp(name, x->stack[x->depth - 1]) != 0)
			return "closing tag that is not open";
		if (x->i >= x->len || x->s[x->i++] != '>')
			return "bad closing tag";
		x->depth--;
		return NULL;
	}
	if (xml_name(x, name) == 0)
		return "bad tag name";
	if (x->depth == 0 && x->roots++ > 0)
		return "more than one root element";
	if ((why = xml_attrs(x, &empty)) != NULL)
		return why;
	if (!empty) {
		if (x->depth == XML_DEPTH)
			return "too deep";
		snprintf(x->stack[x->depth++], XML_NAME, "%s", name);
	}
	return NULL;
}

const char *
xmlcheck(const char *doc, size_t len)
{
	static struct xml x;
	const char *why;

	memset(&x, 0, sizeof(x));
	x.s = doc;
	x.len = len;
	while (x.i < x.len) {
		char c = x.s[x.i];

		if (c == '<') {
			x.i++;
			if (x.i >= x.len || (why = xml_tag(&x)) != NULL)
				return x.i >= x.len ? "document ends in a tag" : why;
		} else if (c == '&') {
			if ((why = xml_entity(&x)) != NULL)
				return why;
		} else if (x.depth == 0 && strchr(" \t\r\n", c) == NULL) {
			return "text outside the root element";
		} else {
			x.i++;
		}
	}
	return x.depth != 0 ? "element left open" : x.roots != 1 ? "no root element" : NULL;
}

long
xmlcheck_points(const char *doc, const char *cls)
{
	char needle[64];
	const char *p, *end;
	long n = 0;

	snprintf(needle, sizeof(needle), "<polyline class=\"%s\"", cls);
	if ((p = strstr(doc, needle)) == NULL || (p = strstr(p, " points=\"")) == NULL)
		return -1;
	p += 9;
	if ((end = strchr(p, '"')) == NULL)
		return -1;
	for (; p < end; p++)
		n += *p == ',';
	return n;
}
