#!/usr/bin/env python3
# smtpsink.py LOG PORT [MODE]: a small SMTP (or LMTP) server on 127.0.0.1:PORT
# for the client tests.  Every connection appends "=== CONNECT" and then each
# line the client sent to LOG.  Replies: 220 greeting; EHLO offers PIPELINING,
# SIZE, 8BITMIME and DSN (MODE "7bit": no 8BITMIME, "helo": EHLO refused with
# 500, "lmtp": LHLO and one reply per recipient after the data, "self":
# EHLO answered with the client's own name mail.example.com); RCPT to a
# local part starting with "bad" gets 550 5.1.1, "tmp" 451 4.3.0, "cNNN" the
# reply NNN (421 closes the connection); the data ends with 250 2.0.0 Ok: queued as ABC
# (MODE "dataerr": 554 5.6.0 Message content rejected).  Runs until
# killed; one connection at a time.  PORT "-": one session on standard input
# and output (an LMTP mailer program: MODE lmtp); PORT "/path": a Unix-domain
# socket at that path (an [IPC] mailer with A=FILE /path).  Hostile servers: MODE
# "longlines" greets with one line of 5000 bytes and answers EHLO with a
# line of 5000 bytes and a last line "250" alone; MODE "long421" greets with
# a 421 line of 3000 bytes holding "E111" and "U9999999999" where a reader
# of 1023-byte chunks of the host status file's R line would start a new
# line; MODE "slowdata" offers SIZE without a limit and reads the data
# 64 KB at a time, 20 ms apart; MODE "nulbytes" greets and answers EHLO
# with NUL, control and 8-bit bytes inside the lines (a keyword too).  SINK_ADDR in the environment: the address to listen on (default
# 127.0.0.1; "::1" for IPv6).
import os
import socket
import sys

log_path, port_arg = sys.argv[1], sys.argv[2]
mode = sys.argv[3] if len(sys.argv) > 3 else "esmtp"


def local_part(line):
    a = line.split(b"<", 1)[-1].split(b">", 1)[0]
    return a.split(b"@", 1)[0].lower()


def slow_data(c, log):
    # the data read slowly from the socket itself, up to the line "."
    import time
    tail = b""
    total = 0
    while not (tail.endswith(b"\r\n.\r\n")):
        b = c.recv(65536)
        if not b:
            raise OSError("connection lost in the data")
        total += len(b)
        tail = (tail + b)[-5:]
        time.sleep(0.02)
    log.write("DATA %d bytes read slowly\n" % total)
    log.flush()


def session(c, log):
    f = c.makefile("rb")
    if mode == "longlines":
        c.sendall(b"220 sink.example.net ESMTP " + b"g" * 5000 + b"\r\n")
    elif mode == "long421":
        # the status file's line is "R" + reply: chunks start at reply offsets 1022 and 2045
        r = bytearray(b"421 4.3.2 " + b"z" * 2990)
        r[1022:1026] = b"E111"
        r[2045:2056] = b"U9999999999"
        c.sendall(bytes(r) + b"\r\n")
        for _ in f:
            pass
        return
    elif mode == "nulbytes":
        c.sendall(b"220 sink.example.net ESMTP \x00\xe9\x01 test\r\n")
    else:
        c.sendall(b"220 sink.example.net " + (b"LMTP" if mode == "lmtp" else b"ESMTP") + b" test\r\n")
    data = False
    taken = 0
    for line in f:
        log.write(line.decode("latin-1").replace("\r\n", "\n"))
        log.flush()
        ln = line.rstrip(b"\r\n")
        if data:
            if ln == b".":
                data = False
                n = taken if mode == "lmtp" else 1
                if mode == "dataerr":
                    c.sendall(b"554 5.6.0 Message content rejected\r\n")
                else:
                    c.sendall(b"250 2.0.0 Ok: queued as ABC\r\n" * n)
            continue
        u = ln.upper()
        if u.startswith(b"EHLO") or u.startswith(b"LHLO"):
            if mode == "helo":
                c.sendall(b"500 5.5.1 Command unrecognized\r\n")
                continue
            ext = [b"PIPELINING", b"SIZE" if mode == "slowdata" else b"SIZE 1000000"]
            if mode != "7bit":
                ext.append(b"8BITMIME")
            ext.append(b"DSN")
            me = b"mail.example.com" if mode == "self" else b"sink.example.net"
            if mode == "nulbytes":
                c.sendall(b"250-" + me + b" \x00hi\xff\r\n250-PIPE\x00LINING\r\n250-\xe9\xe9\r\n"
                          b"250-\x00\r\n250 DSN\r\n")
                continue
            if mode == "longlines":
                c.sendall(b"250-" + me + b" " + b"x" * 5000 + b"\r\n250-PIPELINING\r\n250\r\n")
                continue
            c.sendall(b"250-" + me + b"\r\n" + b"".join(b"250-" + e + b"\r\n" for e in ext[:-1]) +
                      b"250 " + ext[-1] + b"\r\n")
        elif u.startswith(b"MAIL"):
            taken = 0
            c.sendall(b"250 2.1.0 Ok\r\n")
        elif u.startswith(b"RCPT"):
            lp = local_part(ln)
            if lp.startswith(b"bad"):
                c.sendall(b"550 5.1.1 <" + lp + b"@sink.example.net>: Recipient address rejected\r\n")
            elif lp.startswith(b"tmp"):
                c.sendall(b"451 4.3.0 Try again later\r\n")
            elif lp.startswith(b"c") and lp[1:4].isdigit():
                code = lp[1:4]
                c.sendall(code + b" " + code[:1] + b".0.0 reply " + code + b"\r\n")
                if code == b"421":
                    # closing as servers do: no more replies, the rest of the input read
                    c.shutdown(socket.SHUT_WR)
                    for _ in f:
                        pass
                    break
            else:
                taken += 1
                c.sendall(b"250 2.1.5 Ok\r\n")
        elif u.startswith(b"DATA"):
            if taken and mode == "slowdata":
                c.sendall(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                slow_data(c, log)
                c.sendall(b"250 2.0.0 Ok: queued as ABC\r\n")
            elif taken:
                data = True
                c.sendall(b"354 End data with <CR><LF>.<CR><LF>\r\n")
            else:
                c.sendall(b"554 5.5.1 No valid recipients\r\n")
        elif u.startswith(b"QUIT"):
            c.sendall(b"221 2.0.0 Bye\r\n")
            break
        else:
            c.sendall(b"250 2.0.0 Ok\r\n")


class StdioConn:
    """A session on standard input and output, as a mailer program has it."""
    def makefile(self, mode):
        return sys.stdin.buffer

    def sendall(self, data):
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()


if port_arg == "-":
    with open(log_path, "a") as lg:
        lg.write("=== CONNECT\n")
        lg.flush()
        try:
            session(StdioConn(), lg)
        except OSError:
            pass
    sys.exit(0)
if port_arg.startswith("/"):
    # a Unix-domain socket at that path (an [IPC] mailer with A=FILE path)
    if os.path.exists(port_arg):
        os.unlink(port_arg)
    ls = socket.socket(socket.AF_UNIX)
    ls.bind(port_arg)
    os.chmod(port_arg, 0o666)
else:
    addr = os.environ.get("SINK_ADDR", "127.0.0.1")
    ls = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, int(port_arg)))
ls.listen(5)
while True:
    conn, _ = ls.accept()
    with open(log_path, "a") as lg:
        lg.write("=== CONNECT\n")
        lg.flush()
        try:
            session(conn, lg)
        except OSError:
            pass
    conn.close()
