/*
 * sm.h: the support library shared by every program of the project.
 *
 * It owns: checked allocation (sm_malloc and friends exit on exhaustion with
 * sendmail's EX_OSERR, so callers never see NULL), arenas for allocations that
 * live as long as one envelope or session, growable byte buffers, bounded
 * string copies, ASCII case folding, a string-keyed hash table, the
 * descriptor helpers (sm_io.c: whole reads and writes, waits, sends and
 * connects with a deadline) and passing a descriptor over a Unix-domain
 * socket (sm_fdpass.c).
 */
#ifndef SM_H
#define SM_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define SM_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* sysexits(3) values, spelled here so every program uses the same numbers. */
enum {
	EX_OK_ = 0,
	EX_USAGE_ = 64,
	EX_DATAERR_ = 65,
	EX_NOINPUT_ = 66,
	EX_NOUSER_ = 67,
	EX_NOHOST_ = 68,
	EX_UNAVAILABLE_ = 69,
	EX_SOFTWARE_ = 70,
	EX_OSERR_ = 71,
	EX_OSFILE_ = 72,
	EX_CANTCREAT_ = 73,
	EX_IOERR_ = 74,
	EX_TEMPFAIL_ = 75,
	EX_PROTOCOL_ = 76,
	EX_NOPERM_ = 77,
	EX_CONFIG_ = 78,
};

/* ---- allocation ---- */
void *sm_malloc(size_t n);
void *sm_calloc(size_t n, size_t size);
void *sm_realloc(void *p, size_t n);
char *sm_strdup(const char *s);
/* Copies exactly n bytes of s (which must have them) and adds a NUL. */
char *sm_strndup(const char *s, size_t n);
void sm_free(void *p);

/*
 * An arena hands out memory that is released all at once.  Blocks are
 * chained; sm_arena_reset keeps the first block for reuse so a loop that
 * resets per item does not touch malloc in its steady state.
 */
struct sm_arena_block;
struct sm_arena {
	struct sm_arena_block *head;
	size_t block_size;
};
void sm_arena_init(struct sm_arena *a, size_t block_size);
void *sm_arena_alloc(struct sm_arena *a, size_t n);
char *sm_arena_strdup(struct sm_arena *a, const char *s);
/* As sm_strndup: exactly n bytes of s, then a NUL. */
char *sm_arena_strndup(struct sm_arena *a, const char *s, size_t n);
void sm_arena_reset(struct sm_arena *a);
void sm_arena_free(struct sm_arena *a);

/* ---- growable buffer; always NUL-terminated after any call ---- */
struct sm_buf {
	char *data;
	size_t len;
	size_t cap;
};
void sm_buf_init(struct sm_buf *b);
void sm_buf_free(struct sm_buf *b);
void sm_buf_reset(struct sm_buf *b);
void sm_buf_reserve(struct sm_buf *b, size_t extra);
void sm_buf_putc(struct sm_buf *b, int c);
void sm_buf_put(struct sm_buf *b, const void *p, size_t n);
void sm_buf_puts(struct sm_buf *b, const char *s);
/* As sm_buf_put, the eighth bit of each byte cleared on the way (7-bit output). */
void sm_buf_put7(struct sm_buf *b, const void *p, size_t n);
void sm_buf_printf(struct sm_buf *b, const char *fmt, ...) SM_PRINTF(2, 3);
void sm_buf_vprintf(struct sm_buf *b, const char *fmt, va_list ap);
char *sm_buf_steal(struct sm_buf *b);

/* ---- strings ---- */
size_t sm_strlcpy(char *dst, const char *src, size_t size);
size_t sm_strlcat(char *dst, const char *src, size_t size);
char *sm_asprintf(const char *fmt, ...) SM_PRINTF(1, 2);
/* sm_asprintf for a va_list (the formatting functions that pass theirs on). */
char *sm_vasprintf(const char *fmt, va_list ap);
/* ASCII-only case folding: bytes >= 0x80 are left alone, as sendmail does. */
static inline int sm_lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}
static inline int sm_upper(int c)
{
	return (c >= 'a' && c <= 'z') ? c - ('a' - 'A') : c;
}
int sm_strcasecmp(const char *a, const char *b);
int sm_strncasecmp(const char *a, const char *b, size_t n);
void sm_lowercase(char *s);
bool sm_isspace(int c);
/* Strip leading and trailing white space in place; returns s advanced. */
char *sm_trim(char *s);

/* ---- hash table: string key -> pointer value ---- */
struct sm_hash_entry {
	char *key;
	size_t keylen;
	uint32_t hash;
	void *value;
};
struct sm_hash {
	struct sm_hash_entry *slots;
	size_t nslots; /* power of two */
	size_t count;
	bool nocase;
};
void sm_hash_init(struct sm_hash *h, bool nocase);
void sm_hash_free(struct sm_hash *h, void (*free_value)(void *));
void *sm_hash_get(const struct sm_hash *h, const char *key);
void *sm_hash_getn(const struct sm_hash *h, const char *key, size_t len);
/* Inserts or replaces; returns the previous value or NULL. */
void *sm_hash_put(struct sm_hash *h, const char *key, void *value);
bool sm_hash_del(struct sm_hash *h, const char *key);
/* Iteration in slot order: start with *pos = 0; returns NULL at the end. */
struct sm_hash_entry *sm_hash_next(const struct sm_hash *h, size_t *pos);
uint32_t sm_hash_bytes(const char *s, size_t n, bool nocase);

/*
 * Writes all n bytes to fd, retrying short writes and EINTR; 0 or the
 * errno of the failure.
 */
int sm_write_all(int fd, const void *p, size_t n);
/*
 * Appends what fd holds from where it stands to its end to b (which stays
 * NUL-terminated and allocated), retrying EINTR; 0 or the errno of a
 * failed read (b then keeps what came before it).
 */
int sm_buf_read_fd(struct sm_buf *b, int fd);

/* Milliseconds of the monotonic clock (for deadlines; 0 if it cannot be read). */
long long sm_now_ms(void);
/*
 * Waits for events (POLLIN, POLLOUT ...) on fd until the monotonic clock
 * reaches deadline (sm_now_ms() units): 1 ready, 0 timed out, -1 error.
 */
int sm_wait_fd(int fd, short events, long long deadline);
/*
 * Sends all n bytes on the socket fd (no SIGPIPE), each piece waited for
 * until deadline (sm_now_ms() units); 0, ETIMEDOUT, or the errno of the
 * failure (EPIPE when the peer takes nothing).
 */
int sm_send_all(int fd, const void *p, size_t n, long long deadline);
/*
 * A stream socket connected to the address to (a struct sockaddr of
 * tolen bytes), from the address from first when not NULL, before
 * deadline (sm_now_ms() units); the descriptor (non-blocking,
 * close-on-exec) or -1 with errno (ETIMEDOUT when the deadline passed).
 */
int sm_connect(const void *to, unsigned tolen, const void *from, unsigned fromlen,
	       long long deadline);

/* ---- descriptor passing (sm_fdpass.c) ---- */
/*
 * Sends the len bytes of msg with descriptor fd attached (SCM_RIGHTS)
 * over Unix-domain socket sock, with sendmsg flags (MSG_DONTWAIT ...);
 * 0, or the errno (EIO when only part of msg went).
 */
int sm_fd_send(int sock, int fd, const void *msg, size_t len, int flags);
/*
 * Receives one message of at most len bytes into msg from sock (EINTR
 * retried) and the first descriptor that came with it into *fd (close-
 * on-exec; -1 when none; any more are closed).  The bytes received, 0 at
 * end of file, or -1 with errno (EMSGSIZE when the message or its
 * descriptors were cut: then no descriptor is kept).
 */
ssize_t sm_fd_recv(int sock, void *msg, size_t len, int *fd);

#endif
