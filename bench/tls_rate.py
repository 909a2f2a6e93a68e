#!/usr/bin/env python3
"""tls_rate.py: STARTTLS handshakes per second and messages per second over
STARTTLS, our daemon against the real sendmail 8.17 and Postfix 3.7, with
the same certificate (made by openssl in the run directory) and the same
load.

    python3 bench/tls_rate.py [-c CLIENTS] [-t SECS] [-l BYTES] [-r REPEATS]
                              [--sides our,ref,postfix]

Needs root.  Ours (build/bin/sendmail, or $SENDMAIL) and sendmail 8.17 run
as daemons (-bD) with the .mc of test/lib/smtppeer.py plus the server
certificate lines (DeliveryMode queueonly); Postfix through
../shared/bench/peers.sh in its "hold" mode, its main.cf then given
smtpd_tls_security_level=may with the same certificate and reloaded.

Two loads, each for SECS seconds (default 10) from CLIENTS client
processes (default 8), a new connection every time:
  handshakes  EHLO, STARTTLS, the TLS handshake (TLS 1.3, no client
              certificate), QUIT over TLS
  messages    the same, then EHLO again, MAIL, RCPT, DATA with a message
              of BYTES bytes (default 5120), QUIT
Prints one RESULT line per side, load and run (count, failures, rate),
then the best rate of each.  The client is Python's ssl module in
separate processes; on this 2-core machine it competes with the server
for the CPU, so the rates compare the servers with each other, not with
other machines.
"""
import argparse
import multiprocessing
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
os.environ.setdefault("SENDMAIL", os.path.join(TOP, "build", "bin", "sendmail"))
os.environ.setdefault("MAKEMAP", os.path.join(TOP, "build", "bin", "makemap"))
os.environ.setdefault("TOP", TOP)
sys.path.insert(0, os.path.join(TOP, "test", "lib"))
import smtppeer as sp  # noqa: E402

PEERS = os.path.join(os.path.dirname(TOP), "shared", "bench", "peers.sh")
NAMES = {"our": "ours", "ref": "sendmail-8.17", "postfix": "postfix-3.7"}


def make_cert(d):
    os.makedirs(d)
    os.chmod(d, 0o755)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                    "server.key", "-out", "server.crt", "-days", "30", "-subj",
                    "/CN=mail.example.com"], cwd=d, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, timeout=60)
    os.chmod(os.path.join(d, "server.key"), 0o600)
    os.chmod(os.path.join(d, "server.crt"), 0o644)


def sm_extra(certs):
    return ("define(`confSERVER_CERT', `%s/server.crt')dnl\n"
            "define(`confSERVER_KEY', `%s/server.key')dnl\n"
            "define(`confCACERT', `%s/server.crt')dnl\n"
            "define(`confCACERT_PATH', `%s')dnl\n"
            "FEATURE(`accept_unresolvable_domains')dnl\n") % (certs, certs, certs, certs)


def one(port, rcpt, body, with_message):
    """One connection; True when everything was answered as expected."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    try:
        f = s.makefile("rb")

        def reply():
            while True:
                line = f.readline()
                if line[3:4] != b"-":
                    return line[:3]
        if reply() != b"220":
            return False
        s.sendall(b"EHLO load.example\r\n")
        if reply() != b"250":
            return False
        s.sendall(b"STARTTLS\r\n")
        if reply() != b"220":
            return False
        s = ctx.wrap_socket(s)
        f = s.makefile("rb")
        if with_message:
            s.sendall(b"EHLO load.example\r\n")
            if reply() != b"250":
                return False
            s.sendall(b"MAIL FROM:<load@load.example>\r\nRCPT TO:<%s>\r\nDATA\r\n" % rcpt.encode())
            if reply() != b"250" or reply() != b"250" or reply() != b"354":
                return False
            s.sendall(body + b".\r\n")
            if reply() != b"250":
                return False
        s.sendall(b"QUIT\r\n")
        return reply() == b"221"
    finally:
        s.close()


def worker(port, rcpt, body, with_message, secs, q):
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    ok = bad = 0
    end = time.monotonic() + secs
    while time.monotonic() < end:
        try:
            if one(port, rcpt, body, with_message):
                ok += 1
            else:
                bad += 1
        except (OSError, ssl.SSLError):
            bad += 1
    q.put((ok, bad))


def run_load(port, rcpt, args, with_message):
    body = b"Subject: load\r\n\r\n" + (b"x" * 78 + b"\r\n") * max(1, (args.l - 20) // 80)
    q = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=worker, args=(port, rcpt, body, with_message, args.t, q))
             for _ in range(args.c)]
    t0 = time.monotonic()
    for p in procs:
        p.start()
    res = [q.get(timeout=args.t + 120) for _ in procs]
    for p in procs:
        p.join(30)
    secs = time.monotonic() - t0
    ok = sum(r[0] for r in res)
    return ok, sum(r[1] for r in res), secs


def start_postfix(base, certs):
    env = dict(os.environ, MTA_BENCH_RUN=os.path.join(base, "mta-bench"))
    port = sp.free_port()
    subprocess.run([PEERS, "start", "postfix", "hold", str(port)], env=env, check=True,
                   stdout=subprocess.DEVNULL, timeout=300)
    run = env["MTA_BENCH_RUN"]
    main_cf = os.path.join(run, "postfix", "etc", "main.cf")
    with open(main_cf) as f:
        text = f.read()
    text = text.replace("smtpd_tls_security_level = none",
                        "smtpd_tls_security_level = may\n"
                        "smtpd_tls_cert_file = %s/server.crt\n"
                        "smtpd_tls_key_file = %s/server.key\n" % (certs, certs))
    with open(main_cf, "w") as f:
        f.write(text)
    # the master is the first child of the namespace's unshare: SIGHUP reloads
    with open(os.path.join(run, "postfix", "ns.pid")) as f:
        u = f.read().strip()
    with open("/proc/%s/task/%s/children" % (u, u)) as f:
        master = int(f.read().split()[0])
    os.kill(master, signal.SIGHUP)
    time.sleep(2)
    return port, env


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-c", type=int, default=8)
    ap.add_argument("-t", type=int, default=10)
    ap.add_argument("-l", type=int, default=5120)
    ap.add_argument("-r", type=int, default=1)
    ap.add_argument("--sides", default="our,ref,postfix")
    args = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("tls_rate: needs root")
    base = tempfile.mkdtemp(prefix="tlsrate.", dir="/tmp")
    os.chmod(base, 0o755)
    certs = os.path.join(base, "certs")
    make_cert(certs)
    best = {}
    with open("/proc/loadavg") as f:
        print("date %s, load average %s" % (time.strftime("%Y-%m-%d %H:%M"),
                                            " ".join(f.read().split()[:3])))
    try:
        for rep in range(args.r):
            for side in args.sides.split(","):
                sdir = os.path.join(base, "%s.%d" % (side, rep))
                os.makedirs(sdir)
                os.chmod(sdir, 0o755)
                d = env = None
                try:
                    if side == "postfix":
                        port, env = start_postfix(sdir, certs)
                        rcpt = "user@bench.test"
                    else:
                        d = sp.Daemon(side, sdir, extra=sm_extra(certs))
                        d.setup()
                        d.start()
                        port, rcpt = d.port, "user@mail.example.com"
                    for load, with_message in (("handshakes", False), ("messages", True)):
                        ok, bad, secs = run_load(port, rcpt, args, with_message)
                        rate = ok / secs if secs > 0 else 0.0
                        print("RESULT name=%s load=%s clients=%d secs=%.1f ok=%d failed=%d per_s=%.1f"
                              % (NAMES[side], load, args.c, secs, ok, bad, rate))
                        sys.stdout.flush()
                        key = (side, load)
                        if bad == 0:
                            best[key] = max(best.get(key, 0.0), rate)
                except (sp.Unavailable, RuntimeError, subprocess.SubprocessError, OSError) as e:
                    print("RESULT name=%s status=unavailable (%s)"
                          % (NAMES[side], (str(e).splitlines() or ["?"])[-1]))
                finally:
                    if d is not None:
                        d.stop()
                    if env is not None:
                        subprocess.run([PEERS, "stop", "postfix"], env=env,
                                       stdout=subprocess.DEVNULL, timeout=120)
        for (side, load), rate in sorted(best.items()):
            print("BEST name=%s load=%s per_s=%.1f" % (NAMES[side], load, rate))
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
