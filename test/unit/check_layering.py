#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The layering rule of the top meson.build, checked on the tree.

Each folder the top meson.build enters with subdir() declares <name>_dep for its
library and may use only the _dep of folders entered above it. Checked:
  * every project _dep a folder's meson.build names is declared by itself or a
    folder above it;
  * no include_directories() reaches out of its folder ('..'): another
    folder's headers come through that folder's _dep;
  * every #include "x.h" in a folder's sources names a header of the folder
    itself or of a folder whose _dep it uses (directly or through those deps).
A folder entered itself (lib/ike/cert) is not part of the folder around it (lib/ike).
Usage: check_layering.py SOURCE_ROOT; exit 1 with one line per violation.
"""

import os
import re
import sys

DEP_DECL = re.compile(r"^\s*(\w+_dep)\s*=\s*declare_dependency", re.M)
DEP_USE = re.compile(r"\b(\w+_dep)\b")
INC_DIRS = re.compile(r"include_directories\(([^)]*)\)")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def strip_comments(text):
    return "\n".join(line.split("#", 1)[0] for line in text.splitlines())


def folders_in_order(root):
    top = strip_comments(open(os.path.join(root, "meson.build")).read())
    return re.findall(r"^\s*subdir\('([^']+)'\)", top, re.M)


def main(root):
    order = [f for f in folders_in_order(root) if f != "test"]
    rank = {f: i for i, f in enumerate(order)}
    declared = {}                   # dep name -> folder
    builds = {}                     # folder -> meson.build text without comments
    for f in order:
        text = strip_comments(open(os.path.join(root, f, "meson.build")).read())
        builds[f] = text
        for dep in DEP_DECL.findall(text):
            declared[dep] = f
    headers = {}                    # header name -> folder
    sources = {}                    # folder -> [paths]
    for f in order:
        for dirpath, dirs, names in os.walk(os.path.join(root, f)):
            # A folder the top meson.build enters itself (lib/ike/cert inside
            # lib/ike) is its own folder, not part of the one around it.
            dirs[:] = [d for d in dirs
                       if os.path.relpath(os.path.join(dirpath, d), root) not in rank]
            for n in names:
                if n.endswith((".c", ".h")):
                    sources.setdefault(f, []).append(os.path.join(dirpath, n))
                if n.endswith(".h"):
                    headers.setdefault(n, f)
    errors = []
    uses = {}
    for f in order:
        used = {declared[d] for d in DEP_USE.findall(builds[f]) if d in declared}
        used.discard(f)
        uses[f] = used
        for u in sorted(used, key=rank.get):
            if rank[u] > rank[f]:
                errors.append("%s/meson.build uses %s's dependency, declared below it"
                              % (f, u))
        for args in INC_DIRS.findall(builds[f]):
            for path in re.findall(r"'([^']*)'", args):
                if ".." in path.split("/"):
                    errors.append("%s/meson.build: include_directories('%s') reaches "
                                  "into another folder: use its _dep" % (f, path))

    def reach(f, seen):
        for u in uses[f]:
            if u not in seen:
                seen.add(u)
                reach(u, seen)
        return seen

    for f in order:
        allowed = reach(f, {f})
        for path in sorted(sources.get(f, [])):
            for inc in INCLUDE.findall(open(path, errors="replace").read()):
                owner = headers.get(os.path.basename(inc))
                if owner is not None and owner not in allowed:
                    errors.append("%s includes %s of %s, which %s does not depend on"
                                  % (os.path.relpath(path, root), inc, owner, f))
    errors = list(dict.fromkeys(errors))
    for e in errors:
        print(e)
    if not errors:
        print("layering: %d folders in order, no upward or undeclared use" % len(order))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))
