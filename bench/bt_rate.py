#!/usr/bin/env python3
"""bt_rate.py: addresses per second through rulesets 3,0 in test mode (-bt),
ours against the real sendmail 8.17, on the same generated input.

    python3 bench/bt_rate.py [-n ADDRESSES] [-r REPEATS]

The configuration is bench/bt_rate.mc built with the real cf tree (generic
Linux, access_db, mailertable).  Each side gets its own map files in its own
format (our makemap, the real makemap).  Output goes to /dev/null; the figure
is the best of REPEATS runs.
"""
import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
ORACLE = os.environ.get("ORACLE", os.path.join(os.path.dirname(TOP), "shared", "oracle"))


def sh(*args, **kw):
    return subprocess.run(list(args), check=True, **kw)


def ref_root():
    out = subprocess.run([os.path.join(ORACLE, "refsendmail-setup")], stdout=subprocess.PIPE,
                         check=True).stdout.decode().strip()
    return os.path.join(out, "root")


def make_inputs(n, seed=1):
    random.seed(seed)
    doms = ["example.org", "mail.example.com", "foo.bar.net", "example.com", "sub.example.org",
            "relay.example.net", "spam.example", "[192.0.2.7]"]
    lines = []
    for i in range(n):
        u = "user%d" % i
        k = i % 6
        d = random.choice(doms)
        if k == 0:
            lines.append("3,0 %s@%s" % (u, d))
        elif k == 1:
            lines.append("3,0 %s" % u)
        elif k == 2:
            lines.append('3,0 "%s x"@%s' % (u, d))
        elif k == 3:
            lines.append("3,0 <@a.example,@b.example:%s@%s>" % (u, d))
        elif k == 4:
            lines.append("3,0 %s%%%s@mail.example.com" % (u, d))
        else:
            lines.append("3,0 Full Name <%s@%s>" % (u, d))
    return ("\n".join(lines) + "\n").encode()


def build(work, side, makemap):
    conf = os.path.join(work, side)
    maps = os.path.join(conf, "maps")
    os.makedirs(maps)
    os.makedirs(os.path.join(conf, "mqueue"))
    with open(os.path.join(conf, "service.switch"), "w") as f:
        f.write("hosts files\naliases files\n")
    with open(os.path.join(conf, "hosts"), "w") as f:
        f.write("127.0.0.1 localhost\n192.0.2.1 mail.example.com mail\n")
    with open(os.path.join(conf, "local-host-names"), "w") as f:
        f.write("mail.example.com\nexample.com\n")
    with open(os.path.join(conf, "aliases"), "w") as f:
        f.write("postmaster: root\n")
    access = "".join("To:user%d@example.org\tREJECT\n" % i for i in range(0, 2000, 7))
    access += "Connect:192.0.2\tRELAY\nspam.example\tREJECT\nTo:example.com\tRELAY\n"
    mailertable = "foo.bar.net\tesmtp:[relay.example.net]\n.example.org\tsmtp:mx.example.org\n"
    for name, text in (("access", access), ("mailertable", mailertable)):
        sh(*makemap, "hash", os.path.join(maps, name), input=text.encode(),
           stderr=subprocess.DEVNULL)
    with open(os.path.join(HERE, "bt_rate.mc")) as f:
        mc = f.read().replace("MAPDIR", maps).replace("CONFDIR", conf)
    mcpath = os.path.join(conf, "bench.mc")
    with open(mcpath, "w") as f:
        f.write(mc)
    cf = os.path.join(conf, "bench.cf")
    with open(cf, "wb") as f:
        sh(os.path.join(ORACLE, "refcf"), mcpath, stdout=f)
    return cf


def timed_run(binary, cf, data, repeats):
    best = None
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run([os.path.join(ORACLE, "withhost"), binary, "-C", cf, "-bt"], input=data,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
                       env=dict(os.environ, REFSENDMAIL_HOSTNAME="mail.example.com"))
        t = time.perf_counter() - start
        best = t if best is None else min(best, t)
    return best


def outputs(binary, cf, data):
    return subprocess.run([os.path.join(ORACLE, "withhost"), binary, "-C", cf, "-bt"], input=data,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False,
                          env=dict(os.environ, REFSENDMAIL_HOSTNAME="mail.example.com")).stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=20000)
    ap.add_argument("-r", type=int, default=3)
    args = ap.parse_args()
    root = ref_root()
    ours = os.path.join(TOP, "build", "bin", "sendmail")
    our_makemap = [os.path.join(TOP, "build", "bin", "makemap"), "-C", "/dev/null"]
    ref_makemap = [os.path.join(ORACLE, "refmakemap")]
    ref_sendmail = os.path.join(root, "usr", "libexec", "sendmail", "sendmail")
    data = make_inputs(args.n)
    work = tempfile.mkdtemp(prefix="btbench.")
    os.chmod(work, 0o700)
    try:
        cf_ours = build(work, "ours", our_makemap)
        cf_ref = build(work, "ref", ref_makemap)
        # the two must compute the same thing for the figure to mean anything
        same = outputs(ref_sendmail, cf_ref, data) == outputs(ours, cf_ours, data).replace(
            cf_ours.encode(), cf_ref.encode())
        t_ref = timed_run(ref_sendmail, cf_ref, data, args.r)
        t_ours = timed_run(ours, cf_ours, data, args.r)
    finally:
        shutil.rmtree(work)
    r_ref = args.n / t_ref
    r_ours = args.n / t_ours
    print("RESULT bench=bt_rate addresses=%d sendmail_8.17=%.0f/s ours=%.0f/s ratio=%.2f "
          "same_output=%s" % (args.n, r_ref, r_ours, r_ours / r_ref, "yes" if same else "NO"))
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
