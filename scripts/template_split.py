"""Put the block-level elements and template statements of Django templates on lines of their own — only where
a line break cannot change the page.

A break is written between two touching tokens when one of them is a template statement ({% if %}, {% for %} …)
or both are block-level HTML tags, and the break is provably invisible: on every path through the template, the
content rendered right before it (or right after it) is a block-level tag or whitespace, where CSS collapses the
new whitespace away. Nothing inside <pre>, <textarea>, <script>, <style>, {% blocktranslate %}, {% comment %} or a
tag's attributes is touched. djLint (--reformat) then indents the result.

djLint alone leaves every line that mixes template tags with text as it is (it cannot know whether a break there
would show), so the whole-form one-liners would stay; this script does the part that can be proven safe.
Usage (`make format` runs it over [tool.minsheng].formatted_templates; run it twice, the second pass finds the
breaks the first one's indentation made provable):

    python scripts/template_split.py FILE.html … && djlint FILE.html … --reformat

Check afterwards that the msgids are unchanged (``make messages`` dry run) and the pages render alike."""

import re
import sys
from functools import cache

BLOCK = set(
    """address article aside blockquote caption colgroup dd details dialog div dl dt fieldset figcaption
figure footer form h1 h2 h3 h4 h5 h6 header hr legend li main nav ol optgroup option p section summary table tbody
td tfoot th thead tr ul""".split()
)
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
OPENERS = {"if": "endif", "for": "endfor", "with": "endwith", "ifchanged": "endifchanged"}
BRANCHES = {"elif", "else", "empty"}
TRANSPARENT = {"with", "endwith", "csrf_token", "load", "can", "ifchanged", "endifchanged"}
STATEMENTS = set(OPENERS) | set(OPENERS.values()) | BRANCHES | TRANSPARENT | {"block", "endblock"}
TOKEN = re.compile(
    r"""(?P<comment><!--.*?-->)
      |(?P<tcomment>\{\#.*?\#\})
      |(?P<ttag>\{%.*?%\})
      |(?P<tvar>\{\{.*?\}\})
      |(?P<html></?[a-zA-Z][a-zA-Z0-9-]*(?:\s+(?:[^>"'{]|"[^"]*"|'[^']*'|\{\{.*?\}\}|\{%.*?%\}|\{)*)?/?>)""",
    re.S | re.X,
)


def tokens(text):
    pos = 0
    for m in TOKEN.finditer(text):
        if m.start() > pos:
            yield ("text", text[pos : m.start()])
        yield (m.lastgroup, m.group())
        pos = m.end()
    if pos < len(text):
        yield ("text", text[pos:])


LONG = 100  # a source line longer than this is also broken next to every block-level tag


def split(text):
    toks = list(tokens(text))
    n = len(toks)
    starts, pos = [], 0
    for _kind, value in toks:
        starts.append(pos)
        pos += len(value)

    def line_length(offset):
        begin = text.rfind("\n", 0, offset) + 1
        end = text.find("\n", offset)
        return (len(text) if end < 0 else end) - begin

    role = [None] * n  # 'block' | 'inline' | 'ws' | 'text' | 'statement:<name>' | 'render' | 'none'
    inside = [False] * n
    stack, raw = [], None
    for i, (kind, value) in enumerate(toks):
        if raw:
            inside[i] = True
            if (raw[0] == "html" and kind == "html" and re.match(rf"</{raw[1]}\b", value, re.I)) or (
                raw[0] == "t" and kind == "ttag" and re.match(rf"\{{%-?\s*end{raw[1]}\b", value)
            ):
                raw = None
            role[i] = "render"
            continue
        if kind == "text":
            role[i] = "ws" if not value.strip() else "text"
        elif kind in ("comment", "tcomment"):
            role[i] = "none"
        elif kind == "tvar":
            role[i] = "render"
        elif kind == "ttag":
            m = re.match(r"\{%-?\s*(\w+)", value)
            name = m.group(1) if m else ""
            if name in ("blocktranslate", "blocktrans", "comment", "verbatim", "spaceless"):
                raw = ("t", name)
                role[i] = "render"
            elif name in STATEMENTS:
                role[i] = "statement:" + name
            else:
                role[i] = "render"
        else:
            m = re.match(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)", value)
            closing, name = m.group(1) == "/", m.group(2).lower()
            cls = re.search(r'class="([^"]*)"', value)
            inline = bool(cls and "inline" in cls.group(1))
            if not closing and name in ("pre", "textarea", "script", "style"):
                raw = ("html", name)
            if closing:
                while stack:
                    top = stack.pop()
                    if top[0] == name:
                        inline = top[1]
                        break
            elif name not in VOID and not value.endswith("/>"):
                stack.append((name, inline))
            role[i] = "block" if name in BLOCK and not inline else "inline"

    # control structure: for each opener its branch tokens and end; for each branch/end its opener
    opener_of, chain = {}, {}
    st = []
    for i in range(n):
        r = role[i] or ""
        if not r.startswith("statement:"):
            continue
        name = r.split(":", 1)[1]
        if name in OPENERS:
            st.append(i)
            chain[i] = [i]
        elif name in BRANCHES or name in OPENERS.values():
            if not st:
                return text  # unbalanced: leave the file alone
            o = st[-1]
            chain[o].append(i)
            opener_of[i] = o
            if name in OPENERS.values():
                st.pop()
    if st:
        return text

    def name_of(i):
        return role[i].split(":", 1)[1]

    SAFE, UNSAFE = True, False

    @cache
    def fwd(j, depth=0):
        """Is whatever is rendered first from token j onwards always a block tag or whitespace?"""
        if depth > 60:
            return UNSAFE
        if j >= n:
            return UNSAFE
        r = role[j]
        if r == "ws" or (r == "text" and toks[j][1][0].isspace()):
            return SAFE
        if r == "block":
            return SAFE
        if r in ("text", "inline", "render"):
            return UNSAFE
        if r == "none":
            return fwd(j + 1, depth + 1)
        name = name_of(j)
        if name in ("block", "endblock"):
            return UNSAFE
        if name in TRANSPARENT and name not in OPENERS:
            return fwd(j + 1, depth + 1)
        if name in OPENERS:
            c = chain[j]
            if name == "for":  # body, or (no iteration) the empty branch / after the loop
                alt = c[1] + 1 if name_of(c[1]) == "empty" else c[-1] + 1
                return fwd(j + 1, depth + 1) and fwd(alt, depth + 1)
            if name == "if":
                paths = [k + 1 for k in c[:-1]]  # each branch body
                if name_of(c[-2]) != "else":
                    paths.append(c[-1] + 1)
                return all(fwd(p, depth + 1) for p in paths)
            return fwd(j + 1, depth + 1)  # with / ifchanged
        # a branch or end reached at the end of a body
        o = opener_of[j]
        end = chain[o][-1]
        if (
            name_of(o) == "for"
            and name in ("empty", "endfor")
            and (name == "empty" or name_of(chain[o][1]) != "empty")
        ):
            return fwd(o + 1, depth + 1) and fwd(end + 1, depth + 1)  # next iteration or after the loop
        return fwd(end + 1, depth + 1)

    @cache
    def back(j, depth=0):
        """Is whatever is rendered last up to token j always a block tag or whitespace?"""
        if depth > 60 or j < 0:
            return UNSAFE
        r = role[j]
        if r == "ws" or (r == "text" and toks[j][1][-1].isspace()):
            return SAFE
        if r == "block":
            return SAFE
        if r in ("text", "inline", "render"):
            return UNSAFE
        if r == "none":
            return back(j - 1, depth + 1)
        name = name_of(j)
        if name in ("block", "endblock"):
            return UNSAFE
        if name in TRANSPARENT and name not in OPENERS and name not in OPENERS.values():
            return back(j - 1, depth + 1)
        if name in OPENERS:  # at the start of the first body: what came before the statement
            paths = [j - 1]
            if name == "for":  # or the end of the previous iteration
                c = chain[j]
                paths.append((c[1] if name_of(c[1]) == "empty" else c[-1]) - 1)
            return all(back(p, depth + 1) for p in paths)
        o = opener_of[j]
        c = chain[o]
        if name in BRANCHES:  # at the start of a later branch body: before the whole statement
            return back(o - 1, depth + 1)
        # an end: the end of each body, or (no branch taken) before the statement
        paths = [k - 1 for k in c[1:]]
        kind = name_of(o)
        if kind == "if" and name_of(c[-2]) != "else":
            paths.append(o - 1)
        if kind == "for" and name_of(c[1]) != "empty":
            paths.append(o - 1)
        return all(back(p, depth + 1) for p in paths)

    def structural(i):
        return role[i] == "block" or (role[i] or "").startswith("statement:")

    def wanted(a, b):
        ra, rb = role[a], role[b]
        if inside[b] or ra in ("ws", "text") or rb in ("ws", "text"):
            return False
        sa, sb = (ra or "").startswith("statement:"), (rb or "").startswith("statement:")
        long_line = line_length(starts[b]) > LONG
        if not (sa or sb or (ra == "block" and rb == "block") or (long_line and "block" in (ra, rb))):
            return False
        if toks[a][1].startswith("<") and not toks[a][1].startswith("</") and toks[b][1].startswith("</"):
            return False  # an empty element stays whole
        return back(a) or fwd(b)

    out = []
    for i, (_kind, value) in enumerate(toks):
        if i and wanted(i - 1, i):
            out.append("\n")
        elif role[i] == "ws" and "\n" not in value and 0 < i < n - 1 and not inside[i]:
            if structural(i - 1) or structural(i + 1):
                value = "\n"  # a space and a line break render alike
        elif role[i] == "text" and not inside[i]:
            # whitespace at the edge of a text next to a statement: a line break renders alike
            head = len(value) - len(value.lstrip(" \t"))
            if head and i and (role[i - 1] or "").startswith("statement:"):
                value = "\n" + value[head:]
            tail = len(value) - len(value.rstrip(" \t"))
            if tail and i < n - 1 and (role[i + 1] or "").startswith("statement:"):
                value = value[: len(value) - tail] + "\n"
        out.append(value)
    return "".join(out)


if __name__ == "__main__":
    for path in sys.argv[1:]:
        src = open(path, encoding="utf-8").read()
        new = split(src)
        if new != src:
            open(path, "w", encoding="utf-8").write(new)
