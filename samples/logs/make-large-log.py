#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Write a large synthetic proxy log for benchmarks and load tests.

    make-large-log.py squid LINES OUT [--seed N]
    make-large-log.py elff  LINES OUT [--seed N]

squid: Squid native access.log lines.  elff: a BlueCoat ProxySG ELFF log
(#Software/#Version/#Date/#Fields headers, quoted user agents and
categories) that starts a new header block every 500,000 lines, as a
ProxySG does when its log rolls.  The same seed gives the same bytes
(default seed 1).  OUT ending in .gz is written gzip-compressed (no name,
mtime 0).  About one line in 100,000 is garbage, so parsers have bad lines
to count; the script prints the number of lines, events and garbage lines
it wrote, which is the answer key for the file.

The output is generated, never committed (5 million Squid lines are about
750 MB).  Clients are 10.x.y.z and 2001:db8:: addresses, destinations
example-style names and documentation addresses; nothing is real.
"""

import argparse
import gzip
import random
import sys
import time

BASE = 1432166400  # 2015-05-21T00:00:00Z
HEADER_EVERY = 500000
GARBAGE_EVERY = 100000

TLDS = ["com", "net", "org", "jp", "co.jp", "example"]
WORDS = ["news", "shop", "cdn", "static", "api", "mail", "img", "video",
         "files", "update", "login", "search", "ads", "tracker", "docs"]
PATHS = ["/", "/index.html", "/style.css", "/app.js", "/logo.png",
         "/api/v1/items", "/search", "/login", "/images/banner.jpg",
         "/download/setup.exe", "/upload.php", "/feed.xml"]
QUERIES = ["", "", "", "?q=test", "?id=12345", "?page=2&sort=asc",
           "?session=abcdef0123456789", "?lang=ja"]
UAS = ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
       "(KHTML, like Gecko) Chrome/120.0 Safari/537.36",
       "Mozilla/5.0 (Windows NT 6.1; Trident/7.0; rv:11.0) like Gecko",
       "Microsoft-CryptoAPI/10.0", "curl/8.4.0", "Wget/1.21",
       "Mozilla/5.0 (Macintosh; Intel Mac OS X 13_0) Safari/605.1.15"]
CATEGORIES = ["Technology/Internet", "News/Media", "Business/Economy",
              "Web Ads/Analytics", "Content Delivery Networks",
              "File Storage/Sharing", "Search Engines/Portals"]
CODES = [("TCP_MISS", 200, 60), ("TCP_HIT", 200, 10), ("TCP_MEM_HIT", 200, 5),
         ("TCP_REFRESH_MODIFIED", 200, 3), ("TCP_MISS", 304, 8),
         ("TCP_MISS", 404, 4), ("TCP_DENIED", 403, 3)]
METHODS = [("GET", 80), ("POST", 12), ("HEAD", 3), ("PUT", 1),
           ("OPTIONS", 1), ("CONNECT", 3)]


def pools(rng):
    clients = ["10.%d.%d.%d" % (rng.randrange(1, 32), rng.randrange(256),
                                rng.randrange(1, 255)) for _ in range(3000)]
    clients += ["2001:db8:%x::%x" % (rng.randrange(16), rng.randrange(1, 65535))
                for _ in range(300)]
    hosts = []
    for i in range(6000):
        hosts.append("%s%d.%s-%d.%s" % (rng.choice(WORDS), i % 7,
                                        rng.choice(WORDS), i,
                                        rng.choice(TLDS)))
    hosts += ["203.0.113.%d" % i for i in range(1, 60)]
    users = ["-"] * 8 + ["user%03d" % i for i in range(200)]
    return clients, hosts, users


def weighted(rng, items):
    total = sum(w for *_, w in items)
    x = rng.uniform(0, total)
    for it in items:
        x -= it[-1]
        if x <= 0:
            return it
    return items[-1]


def squid_lines(rng, count):
    clients, hosts, users = pools(rng)
    # precomputed choices keep the generator fast enough for 5M lines
    codes = [weighted(rng, CODES) for _ in range(997)]
    methods = [weighted(rng, METHODS)[0] for _ in range(991)]
    t = BASE * 1000
    events = garbage = 0
    out = []
    for i in range(count):
        if i and i % GARBAGE_EVERY == 0:
            out.append("garbage line %d: not a squid log line\n" % i)
            garbage += 1
            continue
        t += rng.randrange(0, 20)
        code, status, _ = codes[i % 997]
        method = methods[i % 991]
        host = hosts[rng.randrange(len(hosts))]
        if method == "CONNECT":
            url = host + ":443"
            code, status, mime = "TCP_TUNNEL", 200, "-"
        else:
            url = "http://%s%s%s" % (host, rng.choice(PATHS),
                                     rng.choice(QUERIES))
            mime = "text/html"
        out.append("%d.%03d %6d %s %s/%03d %d %s %s %s HIER_DIRECT/%s %s\n" % (
            t // 1000, t % 1000, rng.randrange(1, 5000),
            clients[rng.randrange(len(clients))], code, status,
            rng.randrange(200, 200000), method, url,
            users[rng.randrange(len(users))],
            "198.51.100.%d" % (i % 250 + 1), mime))
        events += 1
        if len(out) >= 20000:
            yield "".join(out)
            out = []
    yield "".join(out)
    squid_lines.counts = (count, events, garbage)


ELFF_FIELDS = ("date time time-taken c-ip cs-username cs-auth-group "
               "x-exception-id sc-filter-result cs-categories cs(Referer) "
               "sc-status s-action cs-method rs(Content-Type) cs-uri-scheme "
               "cs-host cs-uri-port cs-uri-path cs-uri-query "
               "cs-uri-extension cs(User-Agent) s-ip sc-bytes cs-bytes "
               "x-virus-id")


def elff_header(t):
    day = "%04d-%02d-%02d %02d:%02d:%02d" % t
    return ("#Software: SGOS 6.7.5.1\n#Version: 1.0\n#Date: %s\n"
            "#Fields: %s\n" % (day, ELFF_FIELDS))


def civil(secs):
    tm = time.gmtime(secs)
    return (tm.tm_year, tm.tm_mon, tm.tm_mday, tm.tm_hour, tm.tm_min,
            tm.tm_sec)


def elff_lines(rng, count):
    clients, hosts, users = pools(rng)
    codes = [weighted(rng, CODES) for _ in range(997)]
    methods = [weighted(rng, METHODS)[0] for _ in range(991)]
    t = BASE * 1000
    events = garbage = headers = 0
    out = []
    written = 0
    i = 0
    while written < count:
        if i % HEADER_EVERY == 0:
            h = elff_header(civil(t // 1000))
            out.append(h)
            n = h.count("\n")
            written += n
            headers += n
            i += 1
            continue
        if i % GARBAGE_EVERY == 1 and i > 1:
            out.append("garbage \"line %d\n" % i)
            written += 1
            garbage += 1
            i += 1
            continue
        i += 1
        t += rng.randrange(0, 40)
        secs = t // 1000
        code, status, _ = codes[i % 997]
        method = methods[i % 991]
        host = hosts[rng.randrange(len(hosts))]
        user = users[rng.randrange(len(users))]
        tm = civil(secs)
        if method == "CONNECT":
            scheme, port, path, query, ext = "tcp", 443, "/", "-", "-"
            code, action, ua = "TCP_TUNNEL", "TCP_TUNNELED", "-"
        else:
            scheme, port = "http", 80
            path = rng.choice(PATHS)
            query = rng.choice(QUERIES) or "-"
            ext = path.rsplit(".", 1)[1] if "." in path else "-"
            action = {"TCP_MISS": "TCP_NC_MISS"}.get(code, code)
            ua = '"%s"' % rng.choice(UAS)
        filt = "DENIED" if status == 403 else "OBSERVED"
        out.append("%04d-%02d-%02d %02d:%02d:%02d %d %s %s - - %s \"%s\" - "
                   "%d %s %s text/html %s %s %d %s %s %s %s 192.168.1.5 "
                   "%d %d -\n" % (
                       tm[0], tm[1], tm[2], tm[3], tm[4], tm[5],
                       rng.randrange(1, 5000),
                       clients[rng.randrange(len(clients))], user, filt,
                       rng.choice(CATEGORIES), status, action, method,
                       scheme, host, port, path, query, ext, ua,
                       rng.randrange(200, 200000), rng.randrange(100, 4000)))
        written += 1
        events += 1
        if len(out) >= 20000:
            yield "".join(out)
            out = []
    yield "".join(out)
    elff_lines.counts = (written, events, garbage, headers)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("format", choices=["squid", "elff"])
    ap.add_argument("lines", type=int)
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    gen = squid_lines if a.format == "squid" else elff_lines
    raw = open(a.out, "wb")
    if a.out.endswith(".gz"):
        f = gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0)
    else:
        f = raw
    for chunk in gen(rng, a.lines):
        f.write(chunk.encode("ascii"))
    if f is not raw:
        f.close()
    raw.close()
    if a.format == "squid":
        lines, events, garbage = gen.counts
        print("lines=%d events=%d bad=%d comments=0" % (lines, events,
                                                        garbage))
    else:
        lines, events, garbage, headers = gen.counts
        print("lines=%d events=%d bad=%d comments=%d" % (lines, events,
                                                         garbage, headers))


if __name__ == "__main__":
    sys.exit(main())
