#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""No file of the project cites a document outside the repository.

Sources and docs cite RFCs and the project's own files; design notes kept
elsewhere (a DESIGN.md, notes/*.md, a shared/ folder, absolute /work/ paths)
are not part of the repository and must not be referred to. Scripts that
look for a peer tool in ../shared/peers are the one allowed use of that path.
Usage: check_refs.py SOURCE_ROOT; exit 1 with file:line for each reference.
"""

import os
import re
import subprocess
import sys

BAD = re.compile(r"DESIGN\.md|(?<![\w.-])notes/[\w.-]+\.md|shared/notes|/work/shared|/work/wt")
ALLOWED = re.compile(r"shared/peers")
SELF = os.path.join("test", "unit", "check_refs.py")


def files(root):
    try:
        out = subprocess.run(["git", "-C", root, "ls-files", "-co", "--exclude-standard"],
                             capture_output=True, text=True, check=True).stdout
        return [f for f in out.splitlines() if f]
    except (OSError, subprocess.CalledProcessError):
        found = []
        for dirpath, dirnames, names in os.walk(root):
            dirnames[:] = [d for d in dirnames if not d.startswith((".", "build"))]
            found += [os.path.relpath(os.path.join(dirpath, n), root) for n in names]
        return found


def main(root):
    bad = []
    for rel in sorted(files(root)):
        if rel == SELF or rel.startswith("build"):
            continue
        path = os.path.join(root, rel)
        try:
            text = open(path, encoding="utf-8").read()
        except (OSError, UnicodeDecodeError):
            continue
        for n, line in enumerate(text.splitlines(), 1):
            if BAD.search(line) and not ALLOWED.search(line):
                bad.append("%s:%d: %s" % (rel, n, line.strip()[:120]))
    for b in bad:
        print(b)
    if not bad:
        print("refs: no reference to a path outside the repository")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))
