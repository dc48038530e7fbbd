/*
 * xmlcheck.h — is a document well-formed XML, as far as the kit's SVG goes:
 * one root element, every tag closed in order, attribute values quoted,
 * '&' only in the five predefined entities or a character reference, no
 * '<' in text.  No DTD, CDATA or namespaces checking: the kit writes none.
 */
#ifndef XMLCHECK_H
#define XMLCHECK_H

#include <stddef.h>

/* NULL if doc is well-formed, else why not (a static string). */
const char *xmlcheck(const char *doc, size_t len);

/* The number of "x,y" pairs in the points attribute of the polyline whose
 * class is cls, or -1 if there is no such polyline. */
long xmlcheck_points(const char *doc, const char *cls);

#endif
