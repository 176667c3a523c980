#!/usr/bin/env python3
"""update-figures.py OLD NEW FILE... - after `make bench REFERENCE=1`, moves
every labelled figure in FILE (SLIDES.md, the READMEs) from the old
reference run to the new one, as tests/test_slides.c checks them:

  <!-- reference: ROW = VALUE; ANCHOR > ROW = VALUE -->  above a paragraph:
      each VALUE is the n-th number of its row in OLD; it becomes the n-th
      number of the same row in NEW, in the label and in the paragraph.
  <!-- reference: ANCHOR -->  above a ``` block: in each line naming a
      row, each number moves from its place on the old row to the same
      place on the new one (the block's own layout kept).

The words around the figures are not touched: read the diff, since a
sentence drawn from the old figures may no longer hold ("faster than",
"about the same"). Prints what it changed, and what it could not find.
"""
import re
import sys

NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")


def rows_of(path):
    with open(path) as f:
        return f.read().split("\n")


def name_pattern(name):
    """A row's name may hold a figure ("median 150 us"): any number then."""
    parts = NUMBER.split(name)
    return re.compile(r"\s*" + NUMBER.pattern.join(re.escape(p) for p in parts))


def find_row(ref, name, anchor=None, start=0, nth=None):
    """The index of the first row starting with name (leading blanks
    ignored) after the line holding anchor (from line start), or -1; with
    nth, the nth row whose name matches with any figures in it."""
    if anchor:
        start = next((i for i in range(start, len(ref)) if anchor in ref[i]), -1)
        if start < 0:
            return -1
    if nth is None:
        return next((i for i in range(start, len(ref)) if ref[i].strip().startswith(name)), -1)
    pattern = name_pattern(name)
    hits = [i for i in range(start, len(ref)) if pattern.match(ref[i])]
    return hits[nth] if nth < len(hits) else -1


def find_moved_row(old, new, name, anchor=None, at_old=0, at_new=0):
    """The row named name in old (literally) and the same row in new, whose
    name's own figures may have moved: (i, j), -1 where not found."""
    i = find_row(old, name, anchor, at_old)
    if i < 0:
        return -1, -1
    hits = [h for h in range(find_row(old, "", anchor, at_old), len(old))
            if name_pattern(name).match(old[h])]
    return i, find_row(new, name, anchor, at_new, hits.index(i))


def remap(text, old_row, new_row):
    """text's numbers, each moved from its place on old_row to the same
    place on new_row; None if one is not on old_row."""
    olds, news = NUMBER.findall(old_row), NUMBER.findall(new_row)
    if len(olds) != len(news):
        return None
    out, last = [], 0
    for m in NUMBER.finditer(text):
        if m.group(0) not in olds:
            return None
        out.append(text[last:m.start()] + news[olds.index(m.group(0))])
        last = m.end()
    return "".join(out) + text[last:]


def move_value(old, new, item, said):
    """'ANCHOR > ROW = VALUE' -> (item, the item moved to NEW) or None."""
    left, _, value = item.rpartition(" = ")
    anchor, _, row = left.rpartition(" > ")
    anchor, row, value = anchor.strip() or None, row.strip(), value.strip()
    i, j = find_moved_row(old, new, row, anchor)
    if i < 0 or j < 0:
        said.append("no row '%s' (anchor %s) in %s" % (row, anchor, "old" if i < 0 else "new"))
        return None
    moved_row, moved_value = remap(row, old[i], new[j]), remap(value, old[i], new[j])
    if moved_row is None or moved_value is None:
        said.append("'%s' is not a figure of row '%s' as the old run has it" % (value, row))
        return None
    moved = ((anchor + " > ") if anchor else "") + moved_row + " = " + moved_value
    return (value, moved_value), (item, moved)


def update_comment(lines, k, old, new, said):
    body = lines[k].strip()[len("<!-- reference:"):-len("-->")].strip()
    items = [s.strip() for s in body.split(";")]
    if all(" = " not in s for s in items):
        return update_block(lines, k, body, old, new, said)
    moves = [move_value(old, new, s, said) if " = " in s else None for s in items]
    for mv in moves:
        if mv:
            lines[k] = lines[k].replace(mv[1][0], mv[1][1], 1)
    end = k + 1
    while end < len(lines) and lines[end].strip():
        end += 1
    done = set()
    for mv in moves:
        if mv and mv[0][0] != mv[0][1] and mv[0][0] not in done:
            done.add(mv[0][0])
            old_num, new_num = NUMBER.search(mv[0][0]).group(0), NUMBER.search(mv[0][1]).group(0)
            unit = mv[0][0][NUMBER.search(mv[0][0]).end():].strip()
            unit = re.escape(unit).replace("us", "(?:us|\u00b5s)") if unit else ""
            pattern = r"(?<![\d.])" + re.escape(old_num) + r"(?![\d])(?=\**\s*" + unit + ")"
            for p in range(k + 1, end):
                lines[p] = re.sub(pattern, new_num, lines[p])


def update_block(lines, k, anchor, old, new, said):
    p = k + 1
    if not lines[p].startswith("```"):
        said.append("line %d: no ``` block under the label" % (k + 1))
        return
    p += 1
    at_old = at_new = 0
    while p < len(lines) and not lines[p].startswith("```"):
        line = lines[p]
        if re.search(r"\d", line):
            stripped = line.strip()
            cut = re.search(r"  |: ", stripped)
            name = stripped[: cut.start()] if cut else stripped
            i, j = find_moved_row(old, new, name, anchor, at_old, at_new)
            moved = remap(line, old[i], new[j]) if i >= 0 and j >= 0 else None
            if moved is None:
                said.append("line %d: row '%s' not moved (not found, or a figure not on it)" % (p + 1, name))
            else:
                lines[p] = moved
                at_old, at_new = i + 1, j + 1
                anchor = None  # rows in the reference's order from here
        p += 1


def main():
    if len(sys.argv) < 4:
        sys.exit("usage: update-figures.py OLD_REFERENCE NEW_REFERENCE FILE...")
    old, new = rows_of(sys.argv[1]), rows_of(sys.argv[2])
    for path in sys.argv[3:]:
        lines = rows_of(path)
        said = []
        for k, line in enumerate(lines):
            if line.strip().startswith("<!-- reference:") and line.strip().endswith("-->"):
                update_comment(lines, k, old, new, said)
        with open(path, "w") as f:
            f.write("\n".join(lines))
        for s in said:
            print("%s: %s" % (path, s))


if __name__ == "__main__":
    main()
