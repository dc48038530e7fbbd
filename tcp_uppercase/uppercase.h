/*
 * uppercase.h — the application's whole "business logic": upper-case the
 * ASCII letters of a message.
 *
 * It is kept apart from the sockets so that it can be tested on its own and so
 * that the server's code shows only what moves bytes.  It is lab 1's module,
 * under the same name: over TCP the message is a piece of a byte stream, and
 * the transform does not care where the pieces were cut.
 */
#ifndef UPPERCASE_H
#define UPPERCASE_H

#include <stddef.h>

/*
 * Upper-cases the ASCII letters a-z of buf[0..len) in place.  Every other
 * byte, including NUL, bytes >= 0x80 and bytes of UTF-8 sequences, is left
 * as it is, so any binary message keeps its length and meaning.  The result
 * does not depend on the locale.
 */
void uppercase_ascii(void *buf, size_t len);

#endif
