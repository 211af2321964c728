#!/usr/bin/env python3
"""The layering of src/: each folder includes only the folders listed before it in LAYERS (so the
include graph between folders has no cycle), and no source file passes MAX_LINES lines.
Adding a folder means adding it to LAYERS at its place. Usage: scripts/check_layers.py [SRC_DIR]
Prints every violation; exits 1 when there is any."""
import os
import re
import sys

# The order in which the folders of src/ may include each other: a folder includes only those
# above it. README.md "Layout" says what each holds.
LAYERS = ['core', 'topology', 'floor', 'uring', 'ipc', 'rings', 'loop', 'modes', 'run', 'interleave', 'sweep', 'advise', 'report', 'cli']
# The rooms inside a folder, in the same sense: a room includes only the rooms above it. run/:
# wire (the result pipe's format and the fault plan, which both sides read), results (plain data
# of a run), child (the roles), parent (the orchestrator, which forks the roles).
INNER_LAYERS = {'run': ['wire', 'results', 'child', 'parent']}
MAX_LINES = 400
SOURCE_SUFFIXES = ('.cpp', '.hpp', '.h', '.in')


def folder_of(rel):
    return rel.split(os.sep)[0] if os.sep in rel else '(top)'


def check_rooms(rel, text):
    """Includes between the rooms of a folder with INNER_LAYERS, against their order."""
    parts = rel.split(os.sep)
    rooms = INNER_LAYERS.get(parts[0])
    if not rooms or len(parts) < 3:
        return []
    here = parts[1]
    if here not in rooms:
        return [f'{rel}: room {parts[0]}/{here} is not in INNER_LAYERS (scripts/check_layers.py)']
    problems = []
    for room in re.findall(r'#include\s+"%s/([^"/]+)/' % re.escape(parts[0]), text):
        if room not in rooms or rooms.index(room) > rooms.index(here):
            problems.append(f'{rel}: {parts[0]}/{here}/ includes {parts[0]}/{room}/, which is not above it')
    return problems


def check(src):
    problems, arrows = [], set()
    for root, _, files in os.walk(src):
        for name in sorted(files):
            if not name.endswith(SOURCE_SUFFIXES):
                continue
            path = os.path.join(root, name)
            rel = os.path.relpath(path, src)
            here = folder_of(rel)
            text = open(path, errors='replace').read()
            if text.count('\n') > MAX_LINES:
                problems.append(f'{rel}: {text.count(chr(10))} lines (at most {MAX_LINES})')
            if here != '(top)' and here not in LAYERS:
                problems.append(f'{rel}: folder {here} is not in LAYERS (scripts/check_layers.py)')
                continue
            problems += check_rooms(rel, text)
            for inc in re.findall(r'#include\s+"([^"/]+)/', text):
                if inc == here or not os.path.isdir(os.path.join(src, inc)):
                    continue
                arrows.add((here, inc))
                if here != '(top)' and (inc not in LAYERS or LAYERS.index(inc) > LAYERS.index(here)):
                    problems.append(f'{rel}: {here}/ includes {inc}/, which is not above it in LAYERS')
    return problems, arrows


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..', 'src')
    problems, arrows = check(src)
    for p in problems:
        print(p)
    print(f'layers: {len(LAYERS)} folders, {len(arrows)} folder arrows, {len(problems)} problems')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
