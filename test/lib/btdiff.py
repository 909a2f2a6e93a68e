"""btdiff: run test mode (-bt) of the real sendmail 8.17 and of ours on the
same configuration and input, and compare the outputs byte for byte.

Used by the differential tests and by hand:
    python3 test/lib/btdiff.py file.cf input.txt      # prints a diff, exit 1 if any
"""
import difflib
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
ORACLE = os.environ.get("ORACLE", os.path.join(os.path.dirname(TOP), "shared", "oracle"))
HOSTNAME = os.environ.get("REFSENDMAIL_HOSTNAME", "mail.example.com")


def oracle(script):
    return os.path.join(ORACLE, script)


def ours():
    return os.environ.get("SENDMAIL", os.path.join(TOP, "build", "bin", "sendmail"))


def run_bt(binary, cf, data, extra=(), timeout=120):
    """Runs binary -C cf -bt under withhost; returns (stdout bytes, exit status)."""
    cmd = [oracle("withhost"), binary, "-C", cf, "-bt"] + list(extra)
    env = dict(os.environ, REFSENDMAIL_HOSTNAME=HOSTNAME)
    p = subprocess.run(cmd, input=data, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=timeout, env=env)
    return p.stdout, p.returncode


def ref_binary():
    root = subprocess.run([oracle("refsendmail-setup")], stdout=subprocess.PIPE,
                          check=True).stdout.decode().strip()
    return os.path.join(root, "root", "usr", "libexec", "sendmail", "sendmail")


def compare(cf, data, extra=()):
    """Returns (equal, diff text, ref output, our output)."""
    ref, ref_rc = run_bt(ref_binary(), cf, data, extra)
    our, our_rc = run_bt(ours(), cf, data, extra)
    if ref == our and ref_rc == our_rc:
        return True, "", ref, our
    a = ref.decode("latin-1").splitlines(keepends=True)
    b = our.decode("latin-1").splitlines(keepends=True)
    d = "".join(difflib.unified_diff(a, b, "sendmail-8.17", "ours", n=2))
    if ref_rc != our_rc:
        d += "exit status: sendmail %d, ours %d\n" % (ref_rc, our_rc)
    return False, d, ref, our


if __name__ == "__main__":
    cf, inp = sys.argv[1], sys.argv[2]
    extra = sys.argv[3:]
    with open(inp, "rb") as f:
        data = f.read()
    ok, diff, _, _ = compare(cf, data, extra)
    sys.stdout.write(diff)
    sys.exit(0 if ok else 1)
