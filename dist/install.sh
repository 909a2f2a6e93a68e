#!/bin/sh
# dist/install.sh: what "make install" (and "./Build install") runs.
#
# Lays the built programs, the cf tree, /etc/mail, the queue directories
# and the systemd units out under $DESTDIR$PREFIX and $DESTDIR/etc,
# $DESTDIR/var, the way a Debian admin expects them (doc/install.md lists
# every path with its owner and mode).
#
# It owns two rules:
# - An admin's files are never replaced: /etc/mail files (sendmail.mc,
#   aliases, access ...) are installed only when missing; when one exists
#   and differs from ours, ours goes next to it as NAME.dist.  sendmail.cf
#   and submit.cf are generated only when missing.
# - Owners need root.  Every owner and mode is written, as shell commands
#   on the final paths, to $PREFIX/share/sendmail/install-owners.sh; they
#   are applied at once when we are root and the users exist (created
#   first when installing into / as root), otherwise only recorded.
#
# Environment: O (build dir, default build), DESTDIR, PREFIX (default
# /usr), MTA_USER (default smmta), MSP_USER (default smmsp).
set -eu
# paths below (cf, dist, doc, and O when relative) are the source tree's
cd "$(dirname "$0")/.."

O=${O:-build}
DESTDIR=${DESTDIR:-}
PREFIX=${PREFIX:-/usr}
MTA_USER=${MTA_USER:-smmta}
MSP_USER=${MSP_USER:-smmsp}
D=$DESTDIR

case "$PREFIX" in
/*) ;;
*) echo "install: PREFIX must be an absolute path ($PREFIX)" >&2; exit 64 ;;
esac
for p in sendmail makemap mail.local smrsh praliases mailstats; do
	[ -x "$O/bin/$p" ] || { echo "install: $O/bin/$p missing: build first" >&2; exit 66; }
done

root=false
[ "$(id -u)" -eq 0 ] && root=true

share=$PREFIX/share/sendmail
libexec=$PREFIX/libexec/sendmail
unitdir=$PREFIX/lib/systemd/system
owners=$D$share/install-owners.sh

install -d "$D$PREFIX/sbin" "$D$PREFIX/bin" "$D$PREFIX/lib" "$D$libexec" \
	"$D$share" "$D$unitdir" "$D/etc/mail" "$D/etc/mail/smrsh" \
	"$D/var/spool" "$D/var/lib"

# --- users: only for a real installation into / as root
if $root && [ -z "$D" ]; then
	for u in "$MSP_USER" "$MTA_USER"; do
		getent group "$u" >/dev/null || groupadd --system "$u"
		getent passwd "$u" >/dev/null ||
			useradd --system --gid "$u" --home-dir /var/lib/sendmail \
				--no-create-home --shell /usr/sbin/nologin \
				--comment "sendmail $u" "$u"
	done
fi

# own USER GROUP MODE PATH: records the owner and mode of PATH (a final
# path, without DESTDIR), applies the mode, and the owner when root can.
cat > "$owners" <<EOF
#!/bin/sh
# Owners and modes of the sendmail installation (written by "make install";
# run it as root after copying a DESTDIR installation into place).
set -e
for u in $MSP_USER $MTA_USER; do
	getent group "\$u" >/dev/null || groupadd --system "\$u"
	getent passwd "\$u" >/dev/null || useradd --system --gid "\$u" \\
		--home-dir /var/lib/sendmail --no-create-home \\
		--shell /usr/sbin/nologin --comment "sendmail \$u" "\$u"
done
EOF
chmod 755 "$owners"
own() {
	echo "chown $1:$2 '$4' && chmod $3 '$4'" >> "$owners"
	if $root && getent passwd "$1" >/dev/null && getent group "$2" >/dev/null; then
		chown "$1:$2" "$D$4"
		chmod "$3" "$D$4"
	elif [ -d "$D$4" ]; then
		chmod "$3" "$D$4"
	else
		# a file keeps no set-id bit without its owners
		chmod "$(echo "$3" | sed 's/^[0-7]\([0-7][0-7][0-7]\)$/\1/')" "$D$4"
	fi
}

# --- programs
install -m 755 "$O/bin/sendmail" "$D$PREFIX/sbin/sendmail"
for p in makemap praliases mailstats; do
	install -m 755 "$O/bin/$p" "$D$PREFIX/sbin/$p"
done
install -m 755 "$O/bin/mail.local" "$O/bin/smrsh" "$D$libexec/"
for l in mailq newaliases; do
	ln -sf ../sbin/sendmail "$D$PREFIX/bin/$l"
done
for l in hoststat purgestat; do
	ln -sf sendmail "$D$PREFIX/sbin/$l"
done
ln -sf ../sbin/sendmail "$D$PREFIX/lib/sendmail"
# set-group-id smmsp, as Debian's: users' submissions can queue in the
# client queue (mode 2770) when the MTA does not answer
own root "$MSP_USER" 2755 "$PREFIX/sbin/sendmail"

# --- the cf tree and the /etc/mail Makefile
rm -rf "$D$share/cf"
cp -R cf "$D$share/"
sed "s|/usr/libexec/sendmail|$libexec|" cf/m4/setup.m4 > "$D$share/cf/m4/setup.m4"
rm -f "$D$share/cf/etc-mail.Makefile"
sed "s|@PREFIX@|$PREFIX|" cf/etc-mail.Makefile > "$D$share/etc-mail.Makefile"

# --- /etc/mail: the admin's files are never replaced
# group MTA_USER, set-group-id: the maps and aliases.db made here (0640)
# get that group, so SMTP sessions (running as MTA_USER) can read them
own root "$MTA_USER" 2755 /etc/mail
# put_etc SRC NAME MODE: /etc/mail/NAME from SRC when missing; NAME.dist
# next to a different existing one.
put_etc() {
	dst=$D/etc/mail/$2
	if [ ! -e "$dst" ]; then
		install -m "$3" "$1" "$dst"
	elif ! cmp -s "$1" "$dst"; then
		install -m "$3" "$1" "$dst.dist"
		echo "install: /etc/mail/$2 kept; ours is /etc/mail/$2.dist"
	fi
}
put_etc "$D$share/etc-mail.Makefile" Makefile 644
put_etc cf/cf/install-sendmail.mc sendmail.mc 644
put_etc cf/cf/install-submit.mc submit.mc 644
put_etc dist/aliases aliases 644
put_etc dist/access access 644
put_etc dist/local-host-names local-host-names 644

# sendmail.cf and submit.cf from the .mc files, when missing
for n in sendmail submit; do
	[ -e "$D/etc/mail/$n.cf" ] && continue
	# cf.m4 goes first unless the .mc includes it (Debian's do), as the
	# /etc/mail Makefile does it
	entry="$D$share/cf/m4/cf.m4"
	grep -q 'cf\.m4' "$D/etc/mail/$n.mc" && entry=
	m4 -D_CF_DIR_="$D$share/cf/" $entry "$D/etc/mail/$n.mc" > "$D/etc/mail/$n.cf.new" ||
		{ rm -f "$D/etc/mail/$n.cf.new"; echo "install: m4 failed on /etc/mail/$n.mc" >&2; exit 65; }
	mv "$D/etc/mail/$n.cf.new" "$D/etc/mail/$n.cf"
	chmod 644 "$D/etc/mail/$n.cf"
done
# the maps and aliases.db, when missing (our makemap and sendmail -bi);
# into a DESTDIR they are left to "make -C /etc/mail" on the target (the
# service runs newaliases before it starts)
if [ -z "$D" ]; then
	[ -e /etc/mail/access.db ] ||
		"$O/bin/makemap" hash /etc/mail/access < /etc/mail/access
	[ -e /etc/mail/aliases.db ] ||
		"$O/bin/sendmail" -C /etc/mail/sendmail.cf -bi >/dev/null
fi

# --- queues and state
install -d "$D/var/spool/mqueue" "$D/var/spool/mqueue-client" \
	"$D/var/lib/sendmail" "$D/var/lib/sendmail/host_status"
# the MTA queue: written by the daemon's sessions, which run as MTA_USER;
# group MSP_USER reads it for mailq
own "$MTA_USER" "$MSP_USER" 2750 /var/spool/mqueue
# the client queue: the set-group-id submission program writes it
own "$MSP_USER" "$MSP_USER" 2770 /var/spool/mqueue-client
own "$MTA_USER" "$MSP_USER" 2751 /var/lib/sendmail
own root "$MSP_USER" 2775 /var/lib/sendmail/host_status
# the StatusFile: statistics are kept only when it exists; sessions
# (MTA_USER) count what they receive, so it is theirs
if [ ! -e "$D/var/lib/sendmail/sendmail.st" ]; then
	: > "$D/var/lib/sendmail/sendmail.st"
	own "$MTA_USER" "$MSP_USER" 0640 /var/lib/sendmail/sendmail.st
fi
if [ ! -e "$D/var/mail" ]; then
	install -d "$D/var/mail"
	own root mail 2775 /var/mail
fi

# --- documentation
install -d "$D$PREFIX/share/doc/sendmail"
install -m 644 README doc/*.md "$D$PREFIX/share/doc/sendmail/"

# --- systemd units
for u in sendmail.service sm-client.service; do
	sed -e "s|@PREFIX@|$PREFIX|g" -e "s|@MSP_USER@|$MSP_USER|g" "dist/$u" > "$D$unitdir/$u"
	chmod 644 "$D$unitdir/$u"
done

if ! $root; then
	echo "install: not root: owners not set; they are recorded in $share/install-owners.sh"
fi
