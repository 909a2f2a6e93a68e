#!/usr/bin/env python3
# identd.py MODE [PORT]: a small RFC 1413 ident server on 127.0.0.1:PORT
# (113) for the IDENT tests, one query per connection, answered by MODE:
# "user" (USERID : UNIX : alice), "junk" (a line that is no ident reply),
# "long" (a user id of 2000 bytes), "ctrl" (a user id with control and
# 8-bit bytes), "chars" (every printable ASCII byte, blanks and a tab),
# "nul" (a NUL byte inside the user id), "error" (ERROR : NO-USER),
# "silent" (reads, never answers), "noline" (an answer without line end,
# then the close).
# Every query is appended to the file named by IDENTD_LOG, if set.
import os
import socket
import sys
import threading

mode = sys.argv[1]
port = int(sys.argv[2]) if len(sys.argv) > 2 else 113


def serve(c):
    try:
        q = b""
        while b"\n" not in q and len(q) < 1000:
            b = c.recv(1000)
            if not b:
                break
            q += b
        log = os.environ.get("IDENTD_LOG")
        if log:
            with open(log, "a") as f:
                f.write(q.decode("latin-1"))
        ports = q.strip().decode("latin-1")
        if mode == "user":
            c.sendall(b"%s : USERID : UNIX : alice\r\n" % ports.encode())
        elif mode == "junk":
            c.sendall(b"hello there, this is not ident\r\n")
        elif mode == "long":
            c.sendall(b"%s : USERID : UNIX : " % ports.encode() + b"u" * 2000 + b"\r\n")
        elif mode == "ctrl":
            c.sendall(b"%s : USERID : UNIX : ev\x01il\x7f\xe9x (y) <z>@q\r\n" % ports.encode())
        elif mode == "chars":
            c.sendall(b"%s : USERID : UNIX :  a" % ports.encode() + bytes(range(0x21, 0x7f)) + b" b\tc \r\n")
        elif mode == "nul":
            c.sendall(b"%s : USERID : UNIX : ev\x00il\r\n" % ports.encode())
        elif mode == "error":
            c.sendall(b"%s : ERROR : NO-USER\r\n" % ports.encode())
        elif mode == "silent":
            c.recv(1000)
        elif mode == "noline":
            c.sendall(b"%s : USERID : UNIX : bob" % ports.encode())
    except OSError:
        pass
    finally:
        c.close()


ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", port))
ls.listen(16)
while True:
    c, _ = ls.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
