#!/usr/bin/env python3
"""Helper: print label lines for the numeric cells of one table row.

usage (from Python): row(text, row_start, cells) where cells is a list of
(surface, value, unit, metric, basis, entity, period, qualifier, kind, optional).
The anchor is the whole table line with the cell marked, so it is unique in the text.
"""
def row(text, row_start, cells):
    line = next(l for l in text.splitlines() if l.startswith(row_start))
    out, pos = [], 0
    for c in cells:
        s = c[0]
        i = line.index(s, pos)
        assert (i + len(s) == len(line) or line[i + len(s)] in ' |') and (i == 0 or line[i - 1] in ' |'), (line, s)
        pos = i + len(s)
        anchor = line[:i] + "[[" + s + "]]" + line[i + len(s):]
        out.append(" @@ ".join([anchor] + [str(x) for x in c[1:]]))
    return out
