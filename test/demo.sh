#!/bin/sh
# demo.sh: what "./Build demo" runs once the programs are built.
#
# Prepares a run directory (build/demo/ by default) with everything the
# MTA writes: sendmail.cf generated from cf/cf/demo.mc, the queue, the
# aliases, the mailboxes (mail/USER, written by mail.local), the pid and
# status files; then runs the daemon in the foreground on 127.0.0.1:2525
# with a queue run every 15 minutes, its log lines on the terminal
# (standard error).  Ctrl-C stops it.  doc/install.md ("The demo") tells
# how to send it a message.
#
#   test/demo.sh              prepare and run
#   test/demo.sh --prepare    prepare only, print the command that would run
#
# Environment: DEMO_DIR (the run directory), DEMO_PORT (2525), DEMO_BIN
# (the programs, build/bin), DEMO_SESSION_USER (when we are root: the user
# SMTP sessions run as, "daemon" by default; see doc/install.md).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
run=${DEMO_DIR:-$top/build/demo}
port=${DEMO_PORT:-2525}
bin=${DEMO_BIN:-$top/build/bin}
prepare_only=false
[ "${1:-}" = --prepare ] && prepare_only=true

case "$run" in /*) ;; *) run=$(pwd)/$run ;; esac
case "$bin" in /*) ;; *) bin=$(pwd)/$bin ;; esac
for p in sendmail mail.local; do
	[ -x "$bin/$p" ] || { echo "demo: $bin/$p missing (run ./Build first)" >&2; exit 66; }
done

user=$(id -un)
# Not as root: the daemon is only for root and the TrustedUser (as in
# 8.17), so the demo's cf makes its user the TrustedUser.
# As root, SMTP sessions run as a user without privileges (the cf's
# DefaultUser, which demo.mc sets to _DEMO_USER_): that user must reach
# the run directory, read the aliases and write the queue; the daemon
# (root) delivers.  A checkout under a private directory (/root is 0700)
# is out of its reach: the run directory moves to /var/tmp then.
session_user=
if [ "$(id -u)" -eq 0 ]; then
	session_user=${DEMO_SESSION_USER:-daemon}
	getent passwd "$session_user" >/dev/null ||
		{ echo "demo: no user $session_user for SMTP sessions (set DEMO_SESSION_USER)" >&2; exit 67; }
	if [ -z "${DEMO_DIR:-}" ] && command -v setpriv >/dev/null 2>&1 &&
		! setpriv --reuid="$session_user" --regid="$(id -g "$session_user")" --clear-groups \
			test -x "$(dirname "$run")"; then
		run=/var/tmp/sendmail-demo
		echo "demo: $session_user cannot reach $top/build; run directory $run instead" >&2
	fi
fi
mkdir -p "$run/queue" "$run/mail" "$run/host_status"
# statistics are kept only when the file exists (build/bin/mailstats -C RUN/sendmail.cf)
[ -e "$run/sendmail.st" ] || : > "$run/sendmail.st"
# the run directory is ours alone: sendmail's file checks want no
# group- or world-writable directories on the way to its files
chmod 755 "$run"
chmod 700 "$run/queue" "$run/host_status"
chmod 755 "$run/mail"

m4 -D_DEMO_DIR_="$run" -D_DEMO_PORT_="$port" -D_DEMO_MAIL_LOCAL_="$bin/mail.local" \
	${session_user:+-D_DEMO_USER_="$session_user"} \
	$([ "$(id -u)" -eq 0 ] || echo "-D_DEMO_TRUSTED_=$user") \
	"$top/cf/m4/cf.m4" "$top/cf/cf/demo.mc" > "$run/sendmail.cf.new"
mv "$run/sendmail.cf.new" "$run/sendmail.cf"

# the aliases: kept when they exist (edit them, the demo runs newaliases)
if [ ! -e "$run/aliases" ]; then
	cat > "$run/aliases" <<EOF
# aliases of the demo (run directory $run); after a change run
#   $bin/sendmail -C $run/sendmail.cf -bi
# or just restart the demo.  Mail for these lands in $run/mail/$user.
postmaster: $user
MAILER-DAEMON: postmaster
demo: $user
EOF
fi
"$bin/sendmail" -C "$run/sendmail.cf" -bi >/dev/null

if [ -n "$session_user" ]; then
	chown "$session_user" "$run/queue" "$run/sendmail.st"
	chgrp "$(id -g "$session_user")" "$run/aliases.db"
	chmod 640 "$run/aliases.db"
fi

set -- "$bin/sendmail" -C "$run/sendmail.cf" -bD -q15m -D /dev/stderr
if $prepare_only; then
	echo "$*"
	exit 0
fi
cat <<MSG
sendmail demo: listening on 127.0.0.1:$port, run directory $run
  queue $run/queue, mailboxes $run/mail/, log lines below.
Send it a message (from another terminal):
  swaks --server 127.0.0.1:$port --to demo@demo.example.com
  python3 -c 'import smtplib; smtplib.SMTP("127.0.0.1", $port).sendmail("me@example.org", ["demo@demo.example.com"], "Subject: hi\\n\\nhello\\n")'
  printf 'To: demo@demo.example.com\\nSubject: hi\\n\\nhello\\n' | $bin/sendmail -C $run/sendmail.cf -t
It lands in $run/mail/$user (demo, postmaster and $user@demo.example.com
are all $user).  Ctrl-C stops the daemon.
MSG
exec "$@"
