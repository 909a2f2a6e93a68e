/*
 * sm_str.c: growable buffers and bounded string helpers.
 *
 * sendmail's behaviour depends on ASCII-only case folding (an 8-bit byte is
 * never folded), so the comparisons here fold A-Z only, whatever the locale.
 */
#include "sm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sm_buf_init(struct sm_buf *b)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void sm_buf_free(struct sm_buf *b)
{
	free(b->data);
	sm_buf_init(b);
}

void sm_buf_reset(struct sm_buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

void sm_buf_reserve(struct sm_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	b->data = sm_realloc(b->data, cap);
	b->cap = cap;
	/* a fresh buffer must read as "" even before anything is put in it */
	b->data[b->len] = '\0';
}

void sm_buf_putc(struct sm_buf *b, int c)
{
	sm_buf_reserve(b, 1);
	b->data[b->len++] = (char)c;
	b->data[b->len] = '\0';
}

void sm_buf_put(struct sm_buf *b, const void *p, size_t n)
{
	sm_buf_reserve(b, n);
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void sm_buf_put7(struct sm_buf *b, const void *p, size_t n)
{
	sm_buf_reserve(b, n);
	const unsigned char *s = p;
	for (size_t i = 0; i < n; i++)
		b->data[b->len + i] = (char)(s[i] & 0x7f);
	b->len += n;
	b->data[b->len] = '\0';
}

void sm_buf_puts(struct sm_buf *b, const char *s)
{
	sm_buf_put(b, s, strlen(s));
}

void sm_buf_vprintf(struct sm_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	char small[256];
	int n = vsnprintf(small, sizeof small, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return;
	if ((size_t)n < sizeof small) {
		sm_buf_put(b, small, (size_t)n);
		return;
	}
	sm_buf_reserve(b, (size_t)n);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void sm_buf_printf(struct sm_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sm_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

char *sm_buf_steal(struct sm_buf *b)
{
	if (b->data == NULL)
		return sm_strdup("");
	char *p = b->data;
	sm_buf_init(b);
	return p;
}

size_t sm_strlcpy(char *dst, const char *src, size_t size)
{
	size_t n = strlen(src);
	if (size > 0) {
		size_t c = n < size - 1 ? n : size - 1;
		memcpy(dst, src, c);
		dst[c] = '\0';
	}
	return n;
}

size_t sm_strlcat(char *dst, const char *src, size_t size)
{
	size_t d = strnlen(dst, size);
	if (d == size)
		return d + strlen(src);
	return d + sm_strlcpy(dst + d, src, size - d);
}

char *sm_vasprintf(const char *fmt, va_list ap)
{
	struct sm_buf b;
	sm_buf_init(&b);
	sm_buf_vprintf(&b, fmt, ap);
	return sm_buf_steal(&b);
}

char *sm_asprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = sm_vasprintf(fmt, ap);
	va_end(ap);
	return s;
}

int sm_strcasecmp(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;
	for (;;) {
		int c1 = sm_lower(*p++), c2 = sm_lower(*q++);
		if (c1 != c2)
			return c1 - c2;
		if (c1 == 0)
			return 0;
	}
}

int sm_strncasecmp(const char *a, const char *b, size_t n)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;
	for (; n > 0; n--) {
		int c1 = sm_lower(*p++), c2 = sm_lower(*q++);
		if (c1 != c2)
			return c1 - c2;
		if (c1 == 0)
			return 0;
	}
	return 0;
}

void sm_lowercase(char *s)
{
	for (; *s; s++)
		*s = (char)sm_lower((unsigned char)*s);
}

bool sm_isspace(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

char *sm_trim(char *s)
{
	while (sm_isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n > 0 && sm_isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}
