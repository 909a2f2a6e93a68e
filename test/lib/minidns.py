"""minidns: a tiny authoritative-style DNS server for tests (UDP and TCP).

Answers from a Python dict, records every query it gets, and can misbehave
on purpose (SERVFAIL, silence, truncation, malformed or hostile packets) so
that resolvers can be tested against them.

    zone = {
        "mail.example.com": {"A": ["192.0.2.1"], "MX": [(10, "mx1.example.com")]},
        "www.example.com": {"CNAME": ["mail.example.com"]},
        "txt.example.com": {"TXT": [["part one", "part two"], "single"]},
        "fail.example.com": "SERVFAIL",     # also REFUSED, FORMERR, NOTIMP,
    }                                       # NXDOMAIN, DROP (no answer) and the
                                            # hostile kinds below
    srv = Server(zone, "127.0.0.1", 53)     # threads; srv.close() stops it
                                            # ("::1" listens on IPv6)
    srv.queries  -> list of (name, type name, "udp"|"tcp")

A type may map to one of the kind strings instead of a list ({"AAAA": "SERVFAIL",
"A": [...]}) to misbehave for that type only.

Names are matched without case and without the trailing dot.  A name that
exists but has no record of the asked type gets an empty NOERROR answer
(NODATA); a name not in the zone gets NXDOMAIN.  CNAMEs are followed inside
the zone (the chain is put in the answer) unless CNAME itself is asked.

Hostile kinds (the value of a name instead of a dict):
    "LOOP"      an answer whose owner name is a compression pointer to itself
    "SHORT"     an answer cut in the middle of a record
    "TC"        UDP answer with TC set and no records; TCP gives A 192.0.2.99
    "BADLEN"    a record whose RDLENGTH runs past the end of the packet
    "FORWARD"   a compression pointer pointing forward past the packet end
    "WRONGID"   an answer with another query id (must be ignored), then silence
    "HUGEMX"    300 MX records with long names over TCP (UDP sets TC)
    "LONGLABEL" a name of many 63-byte labels (longer than 255 bytes)
    "TXTBADLEN" a TXT record whose string length byte says 200 for 4 bytes,
                then a TXT record "after"; "TXTEMPTY" the same with no data
    "AMIXBADTXT", "AMIXBADA", "AMIXLOOP"
                an A record, a broken TXT record (or an A record of 3 bytes, or
                an owner name pointing at itself), another A record
    "TXTSIZE:n" a TXT record with n bytes of data (strings of 'z'), then a
                TXT record "end"
"""
import socket
import struct
import threading

TYPES = {"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "PTR": 12, "MX": 15, "TXT": 16,
         "AAAA": 28, "SRV": 33, "AFSDB": 18, "ANY": 255}
TYPE_NAMES = {v: k for k, v in TYPES.items()}


def encode_name(name):
    out = b""
    name = name.rstrip(".")
    if name:
        for label in name.split("."):
            raw = label.encode("latin-1")
            out += bytes([len(raw)]) + raw
    return out + b"\0"


def parse_query(data):
    """(id, flags, qname, qtype, end of question) or None."""
    if len(data) < 12:
        return None
    qid, flags, qd = struct.unpack("!HHH", data[:6])
    if qd < 1:
        return None
    pos = 12
    labels = []
    while True:
        if pos >= len(data):
            return None
        n = data[pos]
        pos += 1
        if n == 0:
            break
        if n & 0xC0 or pos + n > len(data):
            return None
        labels.append(data[pos:pos + n].decode("latin-1"))
        pos += n
    if pos + 4 > len(data):
        return None
    qtype, _qclass = struct.unpack("!HH", data[pos:pos + 4])
    return qid, flags, ".".join(labels), qtype, pos + 4


def rdata(rtype, value):
    if rtype == "A":
        return socket.inet_pton(socket.AF_INET, value)
    if rtype == "AAAA":
        return socket.inet_pton(socket.AF_INET6, value)
    if rtype in ("CNAME", "PTR", "NS"):
        return encode_name(value)
    if rtype == "MX":
        return struct.pack("!H", value[0]) + encode_name(value[1])
    if rtype == "AFSDB":
        return struct.pack("!H", value[0]) + encode_name(value[1])
    if rtype == "SRV":
        return struct.pack("!HHH", value[0], value[1], value[2]) + encode_name(value[3])
    if rtype == "TXT":
        parts = [value] if isinstance(value, (str, bytes)) else value
        out = b""
        for p in parts:
            raw = p if isinstance(p, bytes) else p.encode("latin-1")
            out += bytes([len(raw)]) + raw
        return out
    raise ValueError(rtype)


def rr(owner, rtype, value, ttl=300):
    data = rdata(rtype, value)
    return encode_name(owner) + struct.pack("!HHIH", TYPES[rtype], 1, ttl, len(data)) + data


class Server:
    def __init__(self, zone, addr="127.0.0.1", port=53):
        self.zone = {k.lower().rstrip("."): v for k, v in zone.items()}
        self.queries = []
        self.lock = threading.Lock()
        self.running = True
        family = socket.AF_INET6 if ":" in addr else socket.AF_INET
        self.udp = socket.socket(family, socket.SOCK_DGRAM)
        self.udp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.udp.bind((addr, port))
        self.tcp = socket.socket(family, socket.SOCK_STREAM)
        self.tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.tcp.bind((addr, port))
        self.tcp.listen(16)
        threading.Thread(target=self.serve_udp, daemon=True).start()
        threading.Thread(target=self.serve_tcp, daemon=True).start()

    def close(self):
        self.running = False
        for s in (self.udp, self.tcp):
            try:
                s.close()
            except OSError:
                pass

    def clear(self):
        with self.lock:
            self.queries = []

    def serve_udp(self):
        while self.running:
            try:
                data, peer = self.udp.recvfrom(4096)
            except OSError:
                return
            for out in self.answer(data, "udp"):
                try:
                    self.udp.sendto(out, peer)
                except OSError:
                    pass

    def serve_tcp(self):
        while self.running:
            try:
                c, _ = self.tcp.accept()
            except OSError:
                return
            threading.Thread(target=self.serve_conn, args=(c,), daemon=True).start()

    def serve_conn(self, c):
        c.settimeout(10)
        try:
            while True:
                hdr = self.recv_all(c, 2)
                if hdr is None:
                    return
                data = self.recv_all(c, struct.unpack("!H", hdr)[0])
                if data is None:
                    return
                for out in self.answer(data, "tcp"):
                    c.sendall(struct.pack("!H", len(out)) + out)
        except OSError:
            pass
        finally:
            c.close()

    @staticmethod
    def recv_all(c, n):
        buf = b""
        while len(buf) < n:
            chunk = c.recv(n - len(buf))
            if not chunk:
                return None
            buf += chunk
        return buf

    def answer(self, data, proto):
        """The list of packets to send back (empty: stay silent)."""
        q = parse_query(data)
        if q is None:
            return []
        qid, qflags, qname, qtype, qend = q
        key = qname.lower().rstrip(".")
        with self.lock:
            self.queries.append((key, TYPE_NAMES.get(qtype, str(qtype)), proto))
        question = data[12:qend]
        rd = qflags & 0x0100

        def packet(rcode, answers=(), tc=False, aa=True, qid_=qid):
            flags = 0x8000 | rd | 0x0080 | rcode | (0x0400 if aa else 0) | (0x0200 if tc else 0)
            return (struct.pack("!HHHHHH", qid_, flags, 1, len(answers), 0, 0) + question +
                    b"".join(answers))

        entry = self.zone.get(key)
        if entry is None:
            return [packet(3)]
        if isinstance(entry, str):
            return self.special(entry, packet, key, qtype, proto, question, qid, rd)
        want = TYPE_NAMES.get(qtype)
        if isinstance(entry.get(want), str):
            return self.special(entry[want], packet, key, qtype, proto, question, qid, rd)
        answers = []
        name = key
        seen = set()
        while True:
            entry = self.zone.get(name)
            if not isinstance(entry, dict):
                break
            if want in entry and not isinstance(entry[want], str):
                for v in entry[want]:
                    answers.append(rr(name, want, v))
                break
            if "CNAME" in entry and want != "CNAME" and name not in seen:
                seen.add(name)
                target = entry["CNAME"][0]
                answers.append(rr(name, "CNAME", target))
                name = target.lower().rstrip(".")
                continue
            break
        return [packet(0, answers)]

    def special(self, kind, packet, key, qtype, proto, question, qid, rd):
        if kind == "SERVFAIL":
            return [packet(2)]
        if kind == "REFUSED":
            return [packet(5)]
        if kind == "FORMERR":
            return [packet(1)]
        if kind == "NOTIMP":
            return [packet(4)]
        if kind == "NXDOMAIN":
            return [packet(3)]
        if kind == "DROP":
            return []
        if kind == "WRONGID":
            return [packet(0, [rr(key, "A", "192.0.2.66")], qid_=(qid + 1) & 0xFFFF)]
        qt = TYPE_NAMES.get(qtype, "A")
        if kind == "TC":
            if proto == "udp":
                return [packet(0, [], tc=True)]
            if qt == "A":
                return [packet(0, [rr(key, "A", "192.0.2.99")])]
            return [packet(0)]
        if kind == "HUGEMX":
            if qt != "MX":
                return [packet(0)]
            if proto == "udp":
                return [packet(0, [], tc=True)]
            ans = []
            for i in range(300):
                ans.append(rr(key, "MX", (i % 7, ("m%03d." % i) + "x" * 50 + "." + key)))
            return [packet(0, ans)]
        if kind in ("AMIXBADTXT", "AMIXLOOP", "AMIXBADA"):
            # a good A record, then a broken record, then another A record
            if kind == "AMIXBADTXT":
                bad = encode_name(key) + struct.pack("!HHIH", TYPES["TXT"], 1, 60, 3) + b"\x09ab"
            elif kind == "AMIXBADA":
                bad = encode_name(key) + struct.pack("!HHIH", TYPES["A"], 1, 60, 3) + b"\x01\x02\x03"
            else:
                off = 12 + len(question) + len(rr(key, "A", "192.0.2.90"))
                bad = struct.pack("!H", 0xC000 | off) + struct.pack("!HHIH", TYPES["A"], 1, 60, 4) + b"\x01\x02\x03\x04"
            body = rr(key, "A", "192.0.2.90") + bad + rr(key, "A", "192.0.2.91")
            return [struct.pack("!HHHHHH", qid, 0x8580 | rd, 1, 3, 0, 0) + question + body]
        if kind in ("TXTBADLEN", "TXTEMPTY"):
            # TXT data whose string length runs past the record, or no data
            data = b"\xc8abcd" if kind == "TXTBADLEN" else b""
            body = (encode_name(key) + struct.pack("!HHIH", TYPES["TXT"], 1, 60, len(data)) +
                    data + rr(key, "TXT", "after"))
            return [packet(0, [body])]
        if kind.startswith("TXTSIZE:"):
            # one TXT record whose data is n bytes long, then a short one
            n = int(kind[8:])
            parts = []
            while n > 0:
                k = min(n - 1, 255)
                parts.append("z" * k)
                n -= k + 1
            ans = [rr(key, "TXT", parts), rr(key, "TXT", "end")]
            return [packet(0, ans)]
        if kind == "LONGLABEL":
            long = ".".join(["a" * 63] * 5) + ".example.com"
            ans = [rr(key, "CNAME", long)] if qt != "TXT" else [rr(key, "TXT", ["z" * 255] * 200)]
            return [packet(0, ans)]
        # hostile shapes of one answer record of the asked type (A shaped)
        hdr = lambda n: struct.pack("!HHHHHH", qid, 0x8580 | rd, 1, n, 0, 0)  # noqa: E731
        if kind == "LOOP":
            off = 12 + len(question)
            owner = struct.pack("!H", 0xC000 | off)   # points at itself
            body = owner + struct.pack("!HHIH", qtype, 1, 60, 4) + b"\x01\x02\x03\x04"
            if qt in ("MX", "CNAME", "PTR", "NS"):
                target = struct.pack("!H", 0xC000 | (off + 12 + (2 if qt == "MX" else 0)))
                rdata_ = (b"\0\x05" if qt == "MX" else b"") + target
                body = (struct.pack("!H", 0xC00C) + struct.pack("!HHIH", qtype, 1, 60, len(rdata_))
                        + rdata_)
            return [hdr(1) + question + body]
        if kind == "SHORT":
            st = qt if qt in ("A", "AAAA", "MX", "CNAME", "PTR", "NS", "TXT", "SRV",
                              "AFSDB") else "A"
            whole = hdr(1) + question + rr(key, st, self.sample(st))
            return [whole[:len(whole) - 3]]
        if kind == "BADLEN":
            body = struct.pack("!H", 0xC00C) + struct.pack("!HHIH", qtype, 1, 60, 200) + b"\x01\x02"
            return [hdr(1) + question + body]
        if kind == "FORWARD":
            body = struct.pack("!H", 0xC000 | 0x3FF0) + struct.pack("!HHIH", qtype, 1, 60, 4) + b"abcd"
            return [hdr(1) + question + body]
        return [packet(2)]

    @staticmethod
    def sample(qt):
        return {"A": "192.0.2.7", "AAAA": "2001:db8::7", "MX": (5, "mx.example.com"),
                "CNAME": "c.example.com", "PTR": "p.example.com", "NS": "ns.example.com",
                "TXT": "text", "SRV": (1, 2, 3, "s.example.com"),
                "AFSDB": (1, "afs.example.com")}.get(qt, "192.0.2.7")
