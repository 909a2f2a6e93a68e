#!/usr/bin/env python3
"""queue_run_rate.py: one queue run delivering MESSAGES queued messages to
local mailboxes through mail.local, ours against the real sendmail 8.17.

    python3 bench/queue_run_rate.py [-n MESSAGES] [-j JOBS] [--bin DIR] [--timeout S]

Needs root (a private mount and UTS namespace: the script re-runs itself
under `unshare -m -u`).  Inside, the host name is mail.example.com and a
tmpfs is mounted on /var/mail and a private /etc/hosts names the host
(else sendmail 8.17 asks DNS for its name at every start), where the real mail.local (which has
/var/mail compiled in) writes; ours writes to the same tmpfs through
MAIL_LOCAL_SPOOL (set by an E line of the cf, as sendmail clears the
environment of its mailers).  Both sides use one configuration built with
the real cf tree (QUEUE_DIR and LOCAL_MAILER_PATH differ; `mail.local -d
$u`; QueueLA high so the load of the machine holds nothing back).

Each side queues the same MESSAGES messages (headers and a 1-3 KB body,
to ten local users in turn) with its own `sendmail -odq`, JOBS at a
time (not timed), then one foreground queue run (`sendmail -qf`) is timed
until it ends and the queue directory holds no qf file.  Afterwards the
script checks that every message is in a mailbox once (delivered_ok=yes).
Prints one RESULT line with messages per second of each side and the
ratio ours / sendmail's.
"""
import argparse
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
ORACLE = os.environ.get("ORACLE", os.path.join(os.path.dirname(TOP), "shared", "oracle"))
HOST = "mail.example.com"

MC = """divert(-1)
divert(0)dnl
include(_CF_ROOT_`/m4/cf.m4')dnl
OSTYPE(`linux')dnl
define(`confDOMAIN_NAME', `%(host)s')dnl
define(`QUEUE_DIR', `%(q)s')dnl
define(`ALIAS_FILE', `%(w)s/aliases')dnl
define(`confDONT_PROBE_INTERFACES', `True')dnl
define(`confDONT_BLAME_SENDMAIL', `TrustStickyBit')dnl
define(`confQUEUE_LA', `10000')dnl
define(`confREFUSE_LA', `10000')dnl
define(`confMIN_QUEUE_AGE', `0')dnl
define(`LOCAL_MAILER_PATH', `%(ml)s')dnl
define(`LOCAL_MAILER_ARGS', `mail.local -d $u')dnl
FEATURE(`nocanonify')dnl
MAILER(`local')dnl
MAILER(`smtp')dnl
LOCAL_CONFIG
EMAIL_LOCAL_SPOOL=/var/mail
"""


def private_hosts(w):
    """Names this host in a private /etc/hosts (we are in our own mount
    namespace): sendmail 8.17 looks up its host name at start-up, and
    without an entry each run waits for DNS (5 s when a query is lost)."""
    path = os.path.join(w, "hosts")
    with open("/etc/hosts") as f:
        text = f.read()
    with open(path, "w") as f:
        f.write(text + "\n127.0.0.1 %s\n::1 %s\n" % (HOST, HOST))
    subprocess.run(["mount", "--bind", path, "/etc/hosts"], check=True)


def users():
    """Ten local users that exist (mail.local and F=w want real ones)."""
    want = ["root", "daemon", "bin", "sys", "games", "man", "lp", "mail", "news", "uucp",
            "proxy", "backup", "list", "nobody"]
    have = []
    for u in want:
        try:
            pwd.getpwnam(u)
            have.append(u)
        except KeyError:
            pass
    return have[:10]


def message(i, rcpt):
    body = "".join("message %06d line %03d %s\n" % (i, k, "abcdefghij" * 5) for k in range(15 + i % 40))
    return ("To: %s\nFrom: sender%d@example.org\nSubject: queue run bench %d\nX-Bench-Id: %06d\n\n%s"
            % (rcpt, i % 97, i, i, body)).encode()


def nqf(q):
    return sum(1 for n in os.listdir(q) if n.startswith("qf"))


def side(name, binary, mail_local, w, n, jobs, timeout, rcpts):
    q = os.path.join(w, name, "q")
    os.makedirs(q, mode=0o700)
    mc = os.path.join(w, name, "t.mc")
    with open(mc, "w") as f:
        f.write(MC % {"host": HOST, "q": q, "w": w, "ml": mail_local})
    cf = os.path.join(w, name, "t.cf")
    with open(cf, "wb") as f:
        f.write(subprocess.run([os.path.join(ORACLE, "refcf"), mc], capture_output=True,
                               check=True, timeout=120).stdout)

    def submit(i):
        r = subprocess.run([binary, "-C", cf, "-odq", "-f", "sender%d@example.org" % (i % 97),
                            rcpts[i % len(rcpts)]], input=message(i, rcpts[i % len(rcpts)]),
                           capture_output=True, timeout=60)
        return r.returncode, r.stdout + r.stderr

    t0 = time.monotonic()
    with ThreadPoolExecutor(jobs) as ex:
        bad = [(i, rc, out) for i, (rc, out) in enumerate(ex.map(submit, range(n))) if rc != 0]
    if bad:
        sys.exit("%s: %d submissions failed, first: exit %d %s" % (name, len(bad), bad[0][1], bad[0][2][:300]))
    tq = time.monotonic() - t0
    if nqf(q) != n:
        sys.exit("%s: %d qf files after queueing %d messages" % (name, nqf(q), n))
    subprocess.run(["sync"], check=False)
    for u in rcpts:
        try:
            os.unlink(os.path.join("/var/mail", u))
        except FileNotFoundError:
            pass
    t0 = time.monotonic()
    p = subprocess.Popen([binary, "-C", cf, "-qf"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True)
    try:
        p.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, 9)
        p.wait()
        sys.exit("%s: the queue run took more than %d s (%d qf left)" % (name, timeout, nqf(q)))
    # a runner that hands messages to children: wait for the queue to drain
    deadline = time.monotonic() + timeout
    while nqf(q) > 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    dt = time.monotonic() - t0
    left = nqf(q)
    # every message once in the mailboxes
    seen = {}
    for u in rcpts:
        path = os.path.join("/var/mail", u)
        if not os.path.exists(path):
            continue
        with open(path, "rb") as f:
            for line in f:
                if line.startswith(b"X-Bench-Id: "):
                    k = int(line[12:])
                    seen[k] = seen.get(k, 0) + 1
    ok = left == 0 and len(seen) == n and all(v == 1 for v in seen.values())
    print("%s: queued %d in %.1f s; run %.2f s, %d left, %d delivered (%d twice)"
          % (name, n, tq, dt, left, len(seen), sum(1 for v in seen.values() if v > 1)), file=sys.stderr)
    shutil.rmtree(q, ignore_errors=True)
    return (n - left) / dt, ok


def inner(a):
    subprocess.run(["hostname", HOST], check=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1g,mode=1777", "tmpfs", "/var/mail"], check=True)
    rcpts = users()
    w = tempfile.mkdtemp(prefix="qrrate.", dir=os.environ.get("TMPDIR", "/tmp"))
    os.chmod(w, 0o700)
    try:
        open(os.path.join(w, "aliases"), "w").close()
        private_hosts(w)
        ref = os.path.join(subprocess.run([os.path.join(ORACLE, "refpath"), "bin"], capture_output=True,
                                          text=True, check=True).stdout.strip())
        ours_bin = os.path.abspath(a.bin)
        r_rate, r_ok = side("sendmail", os.path.join(ref, "sendmail"), os.path.join(ref, "mail.local"),
                            w, a.n, a.j, a.timeout, rcpts)
        o_rate, o_ok = side("ours", os.path.join(ours_bin, "sendmail"), os.path.join(ours_bin, "mail.local"),
                            w, a.n, a.j, a.timeout, rcpts)
        print("RESULT queue_run messages=%d sendmail_8.17=%.0f/s ours=%.0f/s ratio=%.2f delivered_ok=%s"
              % (a.n, r_rate, o_rate, o_rate / r_rate, "yes" if r_ok and o_ok else "no"))
    finally:
        shutil.rmtree(w, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=10000)
    ap.add_argument("-j", type=int, default=4, help="parallel submissions while queueing")
    ap.add_argument("--bin", default=os.path.join(TOP, "build", "bin"), help="our binaries")
    ap.add_argument("--timeout", type=int, default=1800, help="limit for each queue run (s)")
    a = ap.parse_args()
    if os.environ.get("QRRATE_INNER") == "1":
        inner(a)
        return
    if os.geteuid() != 0:
        sys.exit("queue_run_rate.py: needs root (unshare -m -u, a tmpfs on /var/mail)")
    env = dict(os.environ, QRRATE_INNER="1")
    r = subprocess.run(["unshare", "-m", "-u", "--propagation", "private", sys.executable,
                        os.path.abspath(__file__)] + sys.argv[1:], env=env)
    sys.exit(r.returncode)


if __name__ == "__main__":
    main()
