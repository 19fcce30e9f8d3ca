"""XSS payloads for the dashboard tests, and the check that none of them ran or got in.

The payloads are the classic vectors (tags with event handlers, script and javascript: URLs,
SVG and MathML tricks, broken-up tags, attribute and tag-context breakouts), each in every
breakout context. Every one would set `window.__xss` or open a dialog if it ran."""

from __future__ import annotations

from typing import Any

RUN = "__xss=1"
VECTORS = (
    f"<script>{RUN}</script>",
    "<script>alert(1)</script>",
    f"<img src=x onerror={RUN}>",
    "<img src=x onerror=alert(1)>",
    f"<svg onload={RUN}>",
    f"<svg><script>{RUN}</script></svg>",
    f'<iframe src="javascript:{RUN}"></iframe>',
    f"<body onload={RUN}>",
    f"<details open ontoggle={RUN}>",
    f"<input autofocus onfocus={RUN}>",
    f'<a href="javascript:{RUN}" id=xss>click</a>',
    f"<video><source onerror={RUN}></video>",
    f"<math><mtext><table><mglyph><style><img src=x onerror={RUN}>",
    f'<object data="javascript:{RUN}"></object>',
    f'<meta http-equiv="refresh" content="0;url=javascript:{RUN}">',
    '<base href="https://evil.invalid/">',
    f"<scr<script>ipt>{RUN}</scr</script>ipt>",
    f"<IMG SRC=JaVaScRiPt:{RUN}>",
    f'<form action="javascript:{RUN}"><button id=xss>go</button></form>',
    f"<marquee onstart={RUN}>x</marquee>",
)
BREAKOUTS = (
    "",
    '">',
    "'>",
    "</textarea>",
    "</title>",
    "</script>",
    "-->",
    "</style>",
    "]]>",
    "</svg>",
    "\u202e",
)


def payloads() -> list[str]:
    """Every vector in every breakout context: 220 distinct strings."""
    found = [b + v for b in BREAKOUTS for v in VECTORS]
    assert len(set(found)) == len(found)
    return found


# Run in the page after it loaded: what an injected payload would leave behind.
PROBE = """() => {
  const ours = new Set(['/static/app.js']);
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const value = attr.value.trim().toLowerCase();
      if (attr.name.startsWith('on')) bad.push(el.tagName + ' ' + attr.name);
      if (['href', 'src', 'action', 'data', 'formaction'].includes(attr.name)
          && value.startsWith('javascript:')) bad.push(el.tagName + ' ' + attr.name);
    }
    const tag = el.tagName.toLowerCase();
    if (tag === 'script' && !ours.has(el.getAttribute('src'))) bad.push('script');
    if (['iframe', 'object', 'embed', 'base', 'video', 'math', 'marquee', 'img'].includes(tag))
      bad.push(tag);
    if (tag === 'meta' && el.hasAttribute('http-equiv')) bad.push('meta http-equiv');
    if (tag === 'input' && el.hasAttribute('autofocus') && el.name !== 'text') bad.push('input');
  }
  return {ran: window.__xss, csp: window.__csp, injected: bad};
}"""


def check(page: Any) -> list[str]:
    """What went wrong on the page now: a script that ran, a dialog, a CSP violation (a
    blocked injection), or an element a payload would have made."""
    seen = page.evaluate(PROBE)
    problems = []
    if seen["ran"]:
        problems.append(f"a payload ran on {page.url}")
    if page.dialogs:
        problems.append(f"dialogs {page.dialogs} on {page.url}")
    if seen["csp"]:
        problems.append(f"CSP violations {seen['csp']} on {page.url}")
    if seen["injected"]:
        problems.append(f"injected {sorted(set(seen['injected']))} on {page.url}")
    return problems
