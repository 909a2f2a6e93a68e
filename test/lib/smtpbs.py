#!/usr/bin/env python3
"""smtpbs.py: drives one scripted SMTP session with a program that speaks
SMTP on its standard input and output (sendmail -bs) and prints every
reply line it gets, one per line, prefixed with "<<< ", and every line it
sends prefixed with ">>> ".

Usage: smtpbs.py SCRIPT -- COMMAND...

SCRIPT is a file of steps, one per line:
    LINE          sends LINE followed by CRLF and waits for one reply
    =N TEXT       sends TEXT (with \\r \\n \\t \\xHH escapes, no CRLF added)
                  and waits for N replies
    *N TEXT       sends TEXT repeated N times followed by CRLF, as a plain
                  line (for lines too long to write out in a script)
    #...          a comment
While a DATA command is open (after a 354 reply), plain lines wait for no
reply, and the line "." waits for one.  The greeting is read before the
first step; after the last step the input is closed and whatever is left
is read until the program ends.  Every wait is bounded: 30 s for the
greeting (under load the real sendmail has taken over 5 s to greet), 8 s
for every other reply (some steps of the scenarios expect none).
"""
import os
import select
import subprocess
import sys
import time

TIMEOUT = 8.0
GREETING_TIMEOUT = 30.0


def unescape(s):
    return s.encode("latin-1").decode("unicode_escape").encode("latin-1")


class Session:
    def __init__(self, argv):
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.buf = b""
        self.eof = False

    def _fill(self, deadline):
        if self.eof:
            return False
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        r, _, _ = select.select([self.p.stdout], [], [], left)
        if not r:
            return False
        d = os.read(self.p.stdout.fileno(), 65536)
        if not d:
            self.eof = True
            return False
        self.buf += d
        return True

    def line(self, deadline):
        while b"\n" not in self.buf:
            if not self._fill(deadline):
                if self.buf:
                    l, self.buf = self.buf, b""
                    return l
                return None
        l, self.buf = self.buf.split(b"\n", 1)
        return l + b"\n"

    def reply(self, timeout=TIMEOUT):
        """One whole reply (its lines), or None on timeout/end."""
        deadline = time.monotonic() + timeout
        lines = []
        while True:
            l = self.line(deadline)
            if l is None:
                return lines or None
            lines.append(l)
            if len(l) < 4 or l[3:4] != b"-":
                return lines

    def send(self, data):
        try:
            self.p.stdin.write(data)
            self.p.stdin.flush()
        except (BrokenPipeError, OSError):
            # the program has closed its input: what it said is still read
            pass


def out(s):
    sys.stdout.write(s + "\n")
    sys.stdout.flush()


def show(lines):
    if lines is None:
        out("<<< (none)")
        return
    for l in lines:
        out("<<< " + l.decode("latin-1").rstrip("\r\n") + ("" if l.endswith(b"\r\n") else " [no CR]" if l.endswith(b"\n") else " [no LF]"))


def main():
    i = sys.argv.index("--")
    script = open(sys.argv[1], encoding="latin-1").read().split("\n")
    s = Session(sys.argv[i + 1:])
    show(s.reply(GREETING_TIMEOUT))
    indata = False
    for step in script:
        if step == "" or step.startswith("#"):
            continue
        if step.startswith("="):
            n, _, text = step[1:].partition(" ")
            out(">>> " + text)
            s.send(unescape(text))
            for _ in range(int(n)):
                r = s.reply()
                show(r)
                if r and r[-1][:3] == b"354":
                    indata = True
            continue
        if step.startswith("*"):
            n, _, text = step[1:].partition(" ")
            out(">>> %s (x%s)" % (text, n))
            s.send(text.encode("latin-1") * int(n) + b"\r\n")
            step = text
        else:
            out(">>> " + step)
            s.send(step.encode("latin-1") + b"\r\n")
        if indata and step != ".":
            continue
        r = s.reply()
        show(r)
        indata = bool(r) and r[-1][:3] == b"354"
    try:
        s.p.stdin.close()
    except OSError:
        pass
    deadline = time.monotonic() + TIMEOUT
    while True:
        l = s.line(deadline)
        if l is None:
            break
        show([l])
    try:
        rc = s.p.wait(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        s.p.kill()
        rc = s.p.wait()
        out("!!! killed")
    out("=== exit %d" % rc)


if __name__ == "__main__":
    main()
