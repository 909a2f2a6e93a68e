# smtpc_env.sh: the common ground of the SMTP client tests (t_smtp_client,
# t_smtp_mime, t_smtp_local), sourced after T and top are set.  Sets up a
# temp dir $d, the syslog shim for the real sendmail (its log lines into
# $d/ref/log), and defines: start_sink/stop_sink MODE (test/lib/smtpsink.py on $port, its
# sessions in $d/session), mkcf SIDE EXTRA-MC-LINES, run SIDE ARGS... (in a
# mount/UTS namespace where this host is mail.example.com), norm, cmpside
# NAME FILE and snap SIDE NAME, run_io SIDE IN OUT SIDE ARGS (run with
# its own standard input and output).  $sides is "ref our" when
# ../shared/oracle is usable, else "our".  Needs root, unshare and python3
# (exits 0 with SKIP otherwise).
SM=${SM:-${SENDMAIL:-$top/build/san/bin/sendmail}}
oracle=${oracle:-$top/../shared/oracle}
pass() { echo "PASS $T $1"; }
fail() { echo "FAIL $T $1"; shift; for l in "$@"; do echo "  $l"; done; }
if [ "$(id -u)" != 0 ] || ! command -v unshare > /dev/null || ! command -v python3 > /dev/null ||
   ! unshare -m -u true 2> /dev/null; then
	echo "SKIP $T: needs root, unshare and python3"; exit 0
fi
d=$(mktemp -d /tmp/tsmtpc.XXXXXX) || exit 1
chmod 711 "$d"
srv_pid=
stop_sink() { if [ -n "$srv_pid" ]; then kill "$srv_pid" 2>/dev/null; wait "$srv_pid" 2>/dev/null; srv_pid=; fi; }
dns_pid=
cleanup() {
	stop_sink
	[ -n "$dns_pid" ] && kill "$dns_pid" 2>/dev/null
	[ -n "${KEEP:-}" ] || rm -rf "$d"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP PIPE
freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(freeport)
# start_sink MODE: the peer on $port, its sessions in $d/session
start_sink() {
	stop_sink
	python3 "$top/test/lib/smtpsink.py" "$d/session" "$port" "$1" & srv_pid=$!
	i=0
	while [ $i -lt 100 ] && ! python3 -c "import socket; socket.create_connection(('${SINK_ADDR:-127.0.0.1}', $port)).close()" 2>/dev/null; do
		sleep 0.1; i=$((i+1))
	done
	sleep 0.2; : > "$d/session"
}

sides=our
REFBIN=
cat > "$d/shim.c" <<'EOS'
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
static char path[4096];
__attribute__((constructor)) static void init(void)
{
	const char *p = getenv("SHIM_LOG");
	if (p != NULL)
		snprintf(path, sizeof path, "%s", p);
}
static void out(const char *fmt, va_list ap)
{
	FILE *f = path[0] ? fopen(path, "a") : NULL;
	if (f == NULL)
		return;
	fprintf(f, "sendmail[%ld]: ", (long)getpid());
	vfprintf(f, fmt, ap);
	fputc('\n', f);
	fclose(f);
}
void openlog(const char *i, int o, int f) { (void)i; (void)o; (void)f; }
void closelog(void) {}
void vsyslog(int p, const char *fmt, va_list ap) { (void)p; out(fmt, ap); }
void syslog(int p, const char *fmt, ...) { va_list ap; va_start(ap, fmt); (void)p; out(fmt, ap); va_end(ap); }
void __syslog_chk(int p, int fl, const char *fmt, ...) { va_list ap; va_start(ap, fmt); (void)p; (void)fl; out(fmt, ap); va_end(ap); }
void __vsyslog_chk(int p, int fl, const char *fmt, va_list ap) { (void)p; (void)fl; out(fmt, ap); }
EOS
if [ -x "$oracle/refsendmail" ] && REFBIN=$("$oracle/refpath" bin 2>/dev/null)/sendmail && [ -x "$REFBIN" ] &&
   cc -shared -fPIC -o "$d/shim.so" "$d/shim.c" 2>/dev/null; then
	sides="ref our"
	cp "$REFBIN" "$d/refsm" && chmod 755 "$d/refsm" && chmod 644 "$d/shim.so"
fi

# the local mailer: appends the message to mb/USER
cat > "$d/lmail.sh" <<'EOS'
#!/bin/sh
d=$(dirname "$0")
cat >> "$1/mb/$2"
EOS
chmod 755 "$d/lmail.sh"
# the cf of a side; $1 side, $2 extra .mc lines
mkcf() {
	s=$d/$1
	mkdir -p "$s/q" "$s/mb"
	chmod 1777 "$s/mb"
	: > "$s/aliases"
	printf 'hosts files\naliases files\n' > "$s/switch"
	printf '127.0.0.1 localhost\n127.0.0.1 sink.example.net sink\n127.0.0.1 fallback.example.net\n127.0.0.3 down.example.net\n127.0.0.2 mail.example.com\n::1 two.example.net\n127.0.0.1 two.example.net\n::1 six.example.net\n' > "$s/hosts"
	cat > "$s/t.mc" <<EOS
divert(-1)
divert(0)dnl
include(_CF_ROOT_\`/m4/cf.m4')dnl
OSTYPE(\`linux')dnl
define(\`confTIME_ZONE', \`USE_TZ')dnl
define(\`confDONT_INIT_GROUPS', \`True')dnl
define(\`confDOMAIN_NAME', \`mail.example.com')dnl
define(\`confDONT_PROBE_INTERFACES', \`True')dnl
define(\`confDONT_BLAME_SENDMAIL', \`TrustStickyBit')dnl
define(\`confQUEUE_LA', \`1000')dnl
define(\`confREFUSE_LA', \`1000')dnl
define(\`QUEUE_DIR', \`$s/q')dnl
define(\`ALIAS_FILE', \`$s/aliases')dnl
define(\`confSERVICE_SWITCH_FILE', \`$s/switch')dnl
define(\`confHOSTS_FILE', \`$s/hosts')dnl
define(\`SMTP_MAILER_ARGS', \`TCP \$h $port')dnl
define(\`ESMTP_MAILER_ARGS', \`TCP \$h $port')dnl
define(\`SMTP8_MAILER_ARGS', \`TCP \$h $port')dnl
define(\`DSMTP_MAILER_ARGS', \`TCP \$h $port')dnl
define(\`RELAY_MAILER_ARGS', \`TCP \$h $port')dnl
define(\`LOCAL_MAILER_PATH', \`$d/lmail.sh')dnl
define(\`LOCAL_MAILER_ARGS', \`lmail.sh $s \$u')dnl
define(\`LOCAL_MAILER_FLAGS', \`')dnl
$2
MAILER(\`local')dnl
MAILER(\`smtp')dnl
EOS
	if [ "$1" = ref ]; then
		"$oracle/refcf" "$s/t.mc" > "$s/t.cf" 2>/dev/null
	else
		m4 -D_CF_ROOT_="$top/cf" "$s/t.mc" > "$s/t.cf" 2>/dev/null
	fi
	chmod 644 "$s/t.cf"
}
# run SIDE ARGS...: in the namespace, message on stdin; output in $s/out
run() { run_io "$1" /dev/stdin "$d/$1/out" "$@"; }
# run_io SIDE IN OUT SIDE ARGS...: as run, standard input from IN and output
# to OUT (opened first: fifos to a peer that opens them the other way
# round), standard error and the exit status in $s/out
run_io() {
	s=$d/$1 i=$2 o=$3; shift 4
	: > "$s/out"
	if [ "$s" = "$d/ref" ]; then
		SHIM_LOG=$s/log LD_PRELOAD=$d/shim.so timeout 120 unshare -m -u sh -c \
			'mount --bind "$0" /etc/hosts && hostname mail.example.com && exec "$@"' \
			"$s/hosts" "$d/refsm" -C "$s/t.cf" "$@" >> "$o" < "$i" 2>> "$s/out"
	else
		timeout 120 unshare -m -u sh -c \
			'mount --bind "$0" /etc/hosts && hostname mail.example.com && exec "$@"' \
			"$s/hosts" "$SM" -C "$s/t.cf" -D "$s/log" "$@" >> "$o" < "$i" 2>> "$s/out"
	fi
	echo "exit $?" >> "$s/out"
}
norm() {
	sed -e "s|$d/ref|DIR|g; s|$d/our|DIR|g; s|$d|TOP|g" \
	    -e 's/[0-9][A-Z][0-9A-Z][0-9A-Za-z]\{5\}[0-9]\{6\}/QID/g' \
	    -e 's/sendmail\[[0-9]*\]/sendmail[PID]/; s/ delay=[0-9:+]*/ delay=D/; s/ xdelay=[0-9:+]*/ xdelay=D/' \
	    -e 's/ pri=[0-9]*/ pri=P/' \
	    -e 's/\(Mon\|Tue\|Wed\|Thu\|Fri\|Sat\|Sun\), [ 0-9]\{1,2\} [A-Z][a-z][a-z] [0-9]\{4\} [0-9:]\{8\} \([-+][0-9]\{4\}\|GMT\)/DATE/g' \
	    -e 's/<[0-9]\{12\}\.QID@/<MSGID@/g; s/^Running .*//; s/^Subject: c[12]$/Subject: cN/' \
	    -e 's/QID\.[0-9]*\/mail/QID.T\/mail/' "$1"
}
# cmpside NAME FILE: compares $d/ref/FILE with $d/our/FILE
cmpside() {
	[ "$sides" = "ref our" ] || return 0
	if cmp -s "$d/ref/$2" "$d/our/$2"; then pass "$1"
	else fail "$1" "(< real, > ours)" "$(diff "$d/ref/$2" "$d/our/$2")"; fi
}
# snap SIDE NAME: the normalized output, log and session of the last run
snap() {
	s=$d/$1
	# the real one warns about the alias file it has no database of (not ours to compare)
	norm "$s/out" | grep -v '^$\|WARNING: cannot open alias database\|aliases: 0 aliases' > "$s/$2.out"
	norm "$s/log" | sort > "$s/$2.log"
	norm "$d/session" > "$s/$2.session"
	: > "$s/log"
}
