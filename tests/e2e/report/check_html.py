#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Check that a report HTML file is well-formed and self-contained.

Well-formed: html.parser sees every non-void element closed in order, one
<html>, <head> and <body>, a <meta charset="utf-8">, a <title>.
Self-contained: no script, no external resource of any kind (no src=,
href=, url(, @import, http:// or https://), and an inline SVG.
usage: check_html.py REPORT.html
"""
import html.parser
import re
import sys

VOID = {"meta", "br", "hr", "img", "input", "link", "col", "area", "base",
        "wbr", "source", "track", "embed", "param"}
# SVG elements written self-closed (<rect .../>) come as startendtag.


class Checker(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.errors = []
        self.seen = {}
        self.charset = False

    def handle_starttag(self, tag, attrs):
        self.seen[tag] = self.seen.get(tag, 0) + 1
        for k, v in attrs:
            if k in ("src", "href", "srcset", "action", "xlink:href"):
                self.errors.append("external reference %s=%r" % (k, v))
            if k.startswith("on"):
                self.errors.append("event handler %s" % k)
        if tag == "meta" and ("charset", "utf-8") in attrs:
            self.charset = True
        if tag == "script":
            self.errors.append("a <script>")
        if tag not in VOID:
            self.stack.append((tag, self.getpos()))

    def handle_startendtag(self, tag, attrs):
        self.seen[tag] = self.seen.get(tag, 0) + 1
        for k, v in attrs:
            if k in ("src", "href", "xlink:href"):
                self.errors.append("external reference %s=%r" % (k, v))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1][0] != tag:
            self.errors.append("</%s> at %s does not close %s" % (
                tag, self.getpos(), self.stack[-1] if self.stack else
                "anything"))
            return
        self.stack.pop()


def main():
    data = open(sys.argv[1], encoding="utf-8").read()
    c = Checker()
    c.feed(data)
    c.close()
    errs = list(c.errors)
    if c.stack:
        errs.append("unclosed: %s" % c.stack)
    for t in ("html", "head", "body", "title"):
        if c.seen.get(t) != 1:
            errs.append("<%s> %d times" % (t, c.seen.get(t, 0)))
    if not c.seen.get("svg"):
        errs.append("no inline <svg>")
    if not c.charset:
        errs.append('no <meta charset="utf-8">')
    if not data.startswith("<!DOCTYPE html>"):
        errs.append("no doctype")
    for pat in (r"https?://", r"url\(", r"@import", r"\bsrc\s*="):
        if re.search(pat, data, re.I):
            errs.append("external resource pattern %r" % pat)
    for e in errs:
        print("%s: %s" % (sys.argv[1], e))
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main())
