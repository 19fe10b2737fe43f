#!/usr/bin/env python3
"""context.md names every presenter class.

The architecture map (context.md, "The presenter's classes") is a maintainer's one page on the
presenter: it is only worth reading while it is complete. Every top-level `class X` or `struct X`
declared in a header under desktop/ (at column 0: not nested in another class, not a forward
declaration, not an `enum class`) must be named in the map inside a code span (`X`,
`markerlayout::Marker`, `X` in a list of names), so a word of prose that happens to equal a class
name ("Record") does not count.

    check_architecture_map.py [--map FILE] [--desktop DIR]   check (default: this repository's)
    check_architecture_map.py --self-test                    remove one class from a copy of the
                                                             map: the check must name it; add a
                                                             class to a copy of desktop/: named,
                                                             but not its forward declaration or
                                                             a class nested in it

Exit status 0 when every class is named, 1 with the list of those that are not.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
# A class or struct declared at column 0 with a body (a base list, a brace, or nothing more on the
# line: the brace follows on the next one). Forward declarations end in ';'.
DECLARATION = re.compile(
    r"^(?:template\s*<.*>\s*)?(?:class|struct)\s+(?:\[\[[^\]]*\]\]\s*)?([A-Za-z_]\w*)(?:\s+final)?\s*(?::(?!:)|\{|$)",
    re.M)
CODE_SPAN = re.compile(r"`([^`\n]+)`")


def presenter_classes(desktop):
    """[(relative header path, class name)] in path order."""
    out = []
    for root, _dirs, names in os.walk(desktop):
        for name in sorted(names):
            if not name.endswith(".h"):
                continue
            path = os.path.join(root, name)
            with open(path, encoding="utf-8") as f:
                text = f.read()
            rel = os.path.relpath(path, os.path.dirname(desktop))
            out.extend((rel, m.group(1)) for m in DECLARATION.finditer(text))
    return sorted(out)


def named_in(map_text):
    """Every identifier that appears inside a code span of the map."""
    words = set()
    for span in CODE_SPAN.finditer(map_text):
        words.update(re.findall(r"[A-Za-z_]\w*", span.group(1)))
    return words


def check(map_path, desktop):
    with open(map_path, encoding="utf-8") as f:
        named = named_in(f.read())
    classes = presenter_classes(desktop)
    return classes, [(rel, cls) for rel, cls in classes if cls not in named]


def run_check(map_path, desktop):
    run = subprocess.run([sys.executable, __file__, "--map", map_path, "--desktop", desktop],
                         capture_output=True, text=True)
    return run.returncode, run.stdout.strip()


def plant_class(map_path, desktop):
    """A new top-level class in a copy of desktop/ is named; its forward declaration and a class
    nested in it are not."""
    planted = "class PlantedLater;\nclass PlantedTop : public QObject\n{\n    struct PlantedNested\n    {\n    };\n};\n"
    with tempfile.TemporaryDirectory() as tmp:
        copy = os.path.join(tmp, "desktop")
        shutil.copytree(desktop, copy)
        with open(os.path.join(copy, "core", "model", "session_clock.h"), "a", encoding="utf-8") as f:
            f.write(planted)
        code, said = run_check(map_path, copy)
    print(f"desktop/ with a planted class: exit {code}: {said}")
    if code != 1 or ": PlantedTop" not in said or "PlantedLater" in said or "PlantedNested" in said:
        print("FAIL: the check should name PlantedTop and only it")
        return 1
    return 0


def self_test(map_path, desktop):
    """Remove every mention of one class from a copy of the map: the check must fail and name it."""
    classes, missing = check(map_path, desktop)
    if missing or not classes:
        print(f"FAIL: the self-test needs a complete map to start from ({len(missing)} missing)")
        return 1
    if plant_class(map_path, desktop):
        return 1
    victim = "SessionClock" if any(c == "SessionClock" for _r, c in classes) else classes[0][1]
    with open(map_path, encoding="utf-8") as f:
        text = re.sub(rf"\b{victim}\b", "(removed)", f.read())
    with tempfile.TemporaryDirectory() as tmp:
        copy = os.path.join(tmp, "context.md")
        with open(copy, "w", encoding="utf-8") as f:
            f.write(text)
        code, said = run_check(copy, desktop)
    print(f"map without {victim}: exit {code}: {said}")
    if code != 1 or f": {victim}" not in said:
        print(f"FAIL: the check did not name {victim}")
        return 1
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--map", default=os.path.join(ROOT, "context.md"))
    parser.add_argument("--desktop", default=os.path.join(ROOT, "desktop"))
    parser.add_argument("--self-test", action="store_true")
    args = parser.parse_args()
    if args.self_test:
        return self_test(args.map, args.desktop)
    classes, missing = check(args.map, args.desktop)
    if not classes:
        print(f"no class found under {args.desktop}: the check would pass nothing")
        return 1
    if missing:
        print(f"{len(missing)} presenter class(es) that {os.path.basename(args.map)} does not name:")
        for rel, cls in missing:
            print(f"  {rel}: {cls}")
        return 1
    print(f"architecture map holds: {len(classes)} presenter classes, each named in {os.path.basename(args.map)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
