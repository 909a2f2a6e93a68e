#!/usr/bin/env python3
"""smtpauthpeer.py PORT MODE LOG: a hostile SMTP server for the AUTH of
our client (test/t_sasl_client).  It offers AUTH PLAIN LOGIN and answers
AUTH as MODE says:
  454      a temporary failure
  535      a refusal
  badb64   a 334 challenge that is not base64
  long     a 334 challenge of 12000 bytes
  endless  334 challenges for ever (until the client sends "*", at most 1000)
  ok       235 at once
Everything else is accepted; each command the client sends is appended to
LOG as "C: line".  Serves connections for at most 60 seconds in all."""
import socket
import sys
import time

port, mode, logf = int(sys.argv[1]), sys.argv[2], sys.argv[3]
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", port))
s.listen(5)
end = time.time() + 60


def log(t):
    with open(logf, "a") as f:
        f.write(t + "\n")


while time.time() < end:
    s.settimeout(max(0.1, end - time.time()))
    try:
        c, _ = s.accept()
    except OSError:
        break
    c.settimeout(30)
    f = c.makefile("rwb")

    def say(t):
        f.write(t.encode() + b"\r\n")
        f.flush()

    def line():
        raw = f.readline(100000)
        if raw:
            log("C: " + raw.decode("latin-1").rstrip("\r\n"))
        return raw

    try:
        say("220 hostile.example.net ESMTP")
        while True:
            raw = line()
            if not raw:
                break
            u = raw.decode("latin-1").strip().upper()
            if u.startswith("EHLO"):
                for t in ("250-hostile.example.net", "250-PIPELINING", "250-AUTH PLAIN LOGIN", "250 8BITMIME"):
                    say(t)
            elif u.startswith("AUTH"):
                if mode == "454":
                    say("454 4.7.0 Temporary authentication failure")
                elif mode == "535":
                    say("535 5.7.8 Authentication credentials invalid")
                elif mode in ("badb64", "long"):
                    say("334 !!!not*base64###" if mode == "badb64" else "334 " + "QUFB" * 3000)
                    line()
                    say("501 5.5.2 cancelled")
                elif mode == "endless":
                    for _ in range(1000):
                        say("334 VXNlcm5hbWU6")
                        r = line()
                        if not r or r.strip() == b"*":
                            break
                    say("501 5.0.0 cancelled")
                else:
                    say("235 2.0.0 ok")
            elif u.startswith(("MAIL", "RCPT", "RSET")):
                say("250 2.0.0 ok")
            elif u == "DATA":
                say("354 go ahead")
                while True:
                    d = f.readline(100000)
                    if not d or d in (b".\r\n", b".\n"):
                        break
                say("250 2.0.0 queued")
            elif u == "QUIT":
                say("221 2.0.0 bye")
                break
            else:
                say("500 5.5.1 unknown")
    except OSError:
        pass
    f.close()
    c.close()
