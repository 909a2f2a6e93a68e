#!/usr/bin/env python3
# tlspeer.py LOG PORT MODE CERTDIR: an SMTP server with STARTTLS on
# 127.0.0.1:PORT for the client tests of STARTTLS (Python's ssl module,
# that is OpenSSL, as the other side).  Every connection appends
# "=== CONNECT" and each line the client sent to LOG, "*** TLS VERSION
# client-cert=SUBJECT|none" after a handshake and "*** TLS failed" after
# one that failed.  Certificates: CERTDIR/server.crt, server.key, ca.crt.
# MODE (words joined by "+"):
#   tls       STARTTLS offered, the handshake done, the session goes on over TLS
#   ccert     the client is asked for a certificate (verified against ca.crt)
#   notls     STARTTLS not offered
#   refuse    STARTTLS answered "454 4.7.0 TLS not available due to local problem"
#   garbage   after "220 2.0.0 Ready to start TLS", garbage instead of a ServerHello
#   silent    after "220 2.0.0 Ready to start TLS", nothing (until the client gives up)
#   self      the server certificate is CERTDIR/self.crt (self-signed) instead
# Runs until killed; one connection at a time.
import socket
import ssl
import sys
import time

log_path, port, mode, certs = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
modes = set(mode.split("+"))


def context():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    name = "self" if "self" in modes else "server"
    ctx.load_cert_chain("%s/%s.crt" % (certs, name), "%s/%s.key" % (certs, name))
    if "ccert" in modes:
        ctx.load_verify_locations("%s/ca.crt" % certs)
        ctx.verify_mode = ssl.CERT_OPTIONAL
    return ctx


def log(text):
    with open(log_path, "a") as f:
        f.write(text + "\n")


class Conn:
    def __init__(self, s):
        self.s = s
        self.buf = b""

    def line(self):
        while b"\n" not in self.buf:
            d = self.s.recv(4096)
            if not d:
                return None
            self.buf += d
        l, self.buf = self.buf.split(b"\n", 1)
        return l.rstrip(b"\r").decode("latin-1")

    def say(self, text):
        self.s.sendall(text.encode() + b"\r\n")


def session(sock):
    c = Conn(sock)
    c.say("220 tls.example.net ESMTP tlspeer")
    tls = False
    data = False
    while True:
        l = c.line()
        if l is None:
            return
        log(l)
        if data:
            if l == ".":
                data = False
                c.say("250 2.0.0 Ok: queued as TLS%s" % ("1" if tls else "0"))
            continue
        cmd = l.split(" ", 1)[0].upper()
        if cmd in ("EHLO", "LHLO"):
            ext = ["PIPELINING", "8BITMIME", "SIZE 10000000"]
            if not tls and "notls" not in modes:
                ext.append("STARTTLS")
            lines = ["tls.example.net Hello"] + ext
            for i, e in enumerate(lines):
                c.say("250%s%s" % ("-" if i + 1 < len(lines) else " ", e))
        elif cmd == "HELO":
            c.say("250 tls.example.net")
        elif cmd == "STARTTLS":
            if tls or "notls" in modes:
                c.say("503 5.5.1 STARTTLS not offered")
                continue
            if "refuse" in modes:
                c.say("454 4.7.0 TLS not available due to local problem")
                continue
            c.say("220 2.0.0 Ready to start TLS")
            if "garbage" in modes:
                # after the client has read the 220 (what comes with it would be plain text)
                time.sleep(0.5)
                sock.sendall(b"this is not TLS at all\r\n" * 4)
                # the client reads it before the connection goes (3 seconds at most)
                sock.settimeout(3)
                try:
                    while sock.recv(4096):
                        pass
                except OSError:
                    pass
                return
            if "silent" in modes:
                # until the client gives up (Timeout.starttls), at most 8 seconds
                sock.settimeout(8)
                try:
                    while sock.recv(4096):
                        pass
                except OSError:
                    pass
                log("*** TLS failed")
                return
            try:
                sock = context().wrap_socket(sock, server_side=True)
            except (ssl.SSLError, OSError) as e:
                log("*** TLS failed (%s)" % type(e).__name__)
                return
            peer = sock.getpeercert()
            subj = "none"
            if peer:
                subj = "/".join("%s=%s" % kv[0] for kv in peer.get("subject", ()))
            log("*** TLS %s client-cert=%s" % (sock.version(), subj))
            c = Conn(sock)
            tls = True
        elif cmd == "DATA":
            c.say("354 End data with <CR><LF>.<CR><LF>")
            data = True
        elif cmd == "QUIT":
            c.say("221 2.0.0 Bye")
            if tls:
                # the closing alert, as a TLS server says goodbye
                try:
                    sock.unwrap()
                except (ssl.SSLError, OSError):
                    pass
            return
        else:
            c.say("250 2.0.0 Ok")


srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", port))
srv.listen(5)
while True:
    s, _ = srv.accept()
    s.settimeout(60)
    log("=== CONNECT")
    try:
        session(s)
    except (OSError, ssl.SSLError) as e:
        log("*** closed (%s)" % type(e).__name__)
    try:
        s.close()
    except OSError:
        pass
