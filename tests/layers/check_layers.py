#!/usr/bin/env python3
"""The presenter's layers, checked on its includes.

Each folder of desktop/ belongs to one layer; a file may include only its own layer or the layers
below it. An include that runs upward (the model including the session) or across (two peers of
one rank, the model and the pre-flight) is an error: the layers are separate libraries
(desktop/core/CMakeLists.txt) and such an include would tie them into one circle again.

    check_layers.py [DESKTOP_DIR]     check the tree (default: this repository's desktop/)
    check_layers.py --self-test       plant an upward and an across include in a copy; both must fail

Exit status 0 when every include runs downward, 1 with one line per offending include.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

# folder (relative to desktop/) -> (layer, rank). Peers share a rank and may not include each other.
LAYERS = {
    "core/config": ("config", 1),
    "core/sources": ("sources", 2),
    "core/sources/cluster": ("sources", 2),
    "core/model": ("model", 3),
    "core/preflight": ("preflight", 3),
    "core/session": ("session", 4),
    "core/recording": ("session", 4),
    "core/report": ("session", 4),
    "app": ("ui", 5),
}
TOP = ("app", 6)  # app/main.cpp: the composition root, above the widgets
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def layer_of(rel_path):
    if rel_path == "app/main.cpp":
        return TOP
    return LAYERS.get(os.path.dirname(rel_path))


def resolve(desktop, rel_dir, include):
    """The included file's path relative to desktop/, or None when it is not the presenter's."""
    for base in (rel_dir, "core"):
        candidate = os.path.normpath(os.path.join(base, include))
        if os.path.isfile(os.path.join(desktop, candidate)):
            return candidate
    return None


def check(desktop):
    problems = []
    files = 0
    for root, _dirs, names in os.walk(desktop):
        for name in sorted(names):
            if not name.endswith((".h", ".cpp")):
                continue
            path = os.path.join(root, name)
            rel = os.path.relpath(path, desktop)
            here = layer_of(rel)
            if here is None:
                problems.append(f"{rel}: in no layer (add its folder to tests/layers/check_layers.py and context.md)")
                continue
            files += 1
            with open(path, encoding="utf-8") as f:
                text = f.read()
            for match in INCLUDE.finditer(text):
                target = resolve(desktop, os.path.dirname(rel), match.group(1))
                if target is None:
                    continue  # not a presenter file (pgkit, a test support header, Qt)
                there = layer_of(target)
                if there is None:
                    continue  # reported above for the file itself
                line = text.count("\n", 0, match.start()) + 1
                if there[1] > here[1]:
                    problems.append(f"{rel}:{line}: includes {target}: upward from {here[0]} to {there[0]}")
                elif there[1] == here[1] and there[0] != here[0]:
                    problems.append(f"{rel}:{line}: includes {target}: across from {here[0]} to {there[0]}")
    return files, problems


def self_test(desktop):
    plants = [
        ("core/sources/feed_messages.h", '#include "session/presenter_session.h"\n', "upward from sources to session"),
        ("core/model/frame_pacer.h", '#include "preflight/preflight_result.h"\n', "across from model to preflight"),
    ]
    failures = 0
    for rel, line, expected in plants:
        with tempfile.TemporaryDirectory() as tmp:
            copy = os.path.join(tmp, "desktop")
            shutil.copytree(desktop, copy)
            with open(os.path.join(copy, rel), "a", encoding="utf-8") as f:
                f.write(line)
            run = subprocess.run([sys.executable, __file__, copy], capture_output=True, text=True)
            said = run.stdout.strip()
            print(f"planted in {rel}: exit {run.returncode}: {said}")
            if run.returncode != 1 or expected not in said:
                print(f"FAIL: the check let a planted include through ({expected} expected)")
                failures += 1
    return 1 if failures else 0


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default = os.path.normpath(os.path.join(here, "..", "..", "desktop"))
    if len(sys.argv) > 1 and sys.argv[1] == "--self-test":
        return self_test(sys.argv[2] if len(sys.argv) > 2 else default)
    desktop = sys.argv[1] if len(sys.argv) > 1 else default
    files, problems = check(desktop)
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} include(s) against the layers in {files} files")
        return 1
    print(f"layers hold: {files} files, every include runs downward")
    return 0


if __name__ == "__main__":
    sys.exit(main())
