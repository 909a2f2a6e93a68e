#!/usr/bin/env python3
"""tlsdaemon.py SIDE BASE CERTDIR READYFILE [SHIM REFBIN]: runs a
sendmail daemon -- 8.17 (SIDE ref) or ours (SIDE our), test/lib/smtppeer.py
-- with STARTTLS (CERTDIR/server.crt, server.key, ca.crt) and an access
entry TLS_Clt:127.0.0.1 VERIFY, so that a client without a certificate
the CA signed cannot send; it keeps what it gets in its queue
(BASE/SIDE/q).  Writes its port to READYFILE once it answers, then runs
until SIGTERM and stops the daemon.  SHIM and REFBIN: the syslog shim
and a copy of 8.17's binary, for 8.17's log lines in BASE/ref.syslog."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import smtppeer as sp  # noqa: E402

side, base, certs, ready = sys.argv[1:5]
shim = sys.argv[5] if len(sys.argv) > 5 else None
refbin = sys.argv[6] if len(sys.argv) > 6 else None


class ShimDaemon(sp.Daemon):
    def argv(self, *args):
        if self.side == "ref" and refbin:
            # a copy of the binary: the installed one is set-group-id and ignores LD_PRELOAD
            return ["unshare", "-u", "sh", "-c", 'hostname "$0" && exec "$@"', sp.HOSTNAME,
                    refbin, "-C", self.cf] + list(args)
        return super().argv(*args)


extra = (
    "define(`confCACERT_PATH', `%s')dnl\n" % certs +
    "define(`confCACERT', `%s/ca.crt')dnl\n" % certs +
    "define(`confSERVER_CERT', `%s/server.crt')dnl\n" % certs +
    "define(`confSERVER_KEY', `%s/server.key')dnl\n" % certs +
    "define(`confLOG_LEVEL', `12')dnl\n"
    # not the client's name: it would see its own greeting ("mail loops back to me")
    "define(`confDOMAIN_NAME', `tls.example.net')dnl\n")
env = {}
if side == "ref" and shim:
    env = {"LD_PRELOAD": shim, "SHIM_LOG": os.path.join(base, "ref.syslog")}
    os.makedirs(base, exist_ok=True)
    open(env["SHIM_LOG"], "a").close()
sp.exit_on_signals()
d = ShimDaemon(side, base, extra=extra, access="TLS_Clt:127.0.0.1\tVERIFY\n", env=env)
try:
    d.setup()
    d.start()
    with open(ready + ".tmp", "w") as f:
        f.write("%d\n" % d.port)
    os.rename(ready + ".tmp", ready)
    while d.alive():
        time.sleep(0.5)
finally:
    d.stop()
