"""The browser the page tests drive: Debian's Chromium through playwright, and axe-core.

axe-core is the npm package, taken from the npm registry as its tarball (no node needed), pinned
by version and by the registry's sha512 (tools.npm_tarball, which fetches the other checkers too),
and kept in .venv so that it is fetched once.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AXE_VERSION = "4.14.1"
AXE_INTEGRITY = "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="
AXE_FILE = ROOT / ".venv" / "share" / f"axe-core-{AXE_VERSION}" / "axe.min.js"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def axe_source() -> str:
    if not AXE_FILE.is_file():
        from tools import npm_tarball

        with npm_tarball("axe-core", AXE_VERSION, AXE_INTEGRITY) as tar:
            script = tar.extractfile("package/axe.min.js").read()
        AXE_FILE.parent.mkdir(parents=True, exist_ok=True)
        AXE_FILE.write_bytes(script)
    return AXE_FILE.read_text(encoding="utf-8")


def launch(playwright):
    return playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)


# Elements that stick out of the window and are not inside a box that scrolls or clips them.
OVERFLOWING = """Array.from(document.querySelectorAll('body *')).filter(e => {
  if (e.getBoundingClientRect().right <= window.innerWidth + 1) return false;
  for (let a = e.parentElement; a; a = a.parentElement) {
    if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(a).overflowX)) return false; }
  return true; }).map(e => e.tagName + (e.id ? '#' + e.id : ''))"""

# axe-core's violations of impact serious or critical: (rule, impact, how many, first element).
# Evaluated with a list of rules to leave out (or null for none), or with {rule: true or false} to
# switch rules on or off (target-size, for one, is off unless asked for).
AXE_SERIOUS = """rules => axe.run(document, {resultTypes: ['violations'],
    rules: Object.fromEntries(Object.entries(Array.isArray(rules) ? Object.fromEntries(rules.map(id => [id, false]))
                                             : (rules || {})).map(([id, on]) => [id, {enabled: on}]))}).then(r => r.violations
  .filter(v => v.impact === 'serious' || v.impact === 'critical')
  .map(v => [v.id, v.impact, v.nodes.length, v.nodes[0].html.slice(0, 120)]))"""

# Links shown smaller than a 24 px tap target (WCAG 2.5.8): narrower than 24 px, or with a line
# of text less than 24 px high (a link that wraps is a box per line): (text, width, lowest line).
SMALL_TARGETS = """Array.from(document.querySelectorAll('a[href]')).flatMap(a => {
  const lines = Array.from(a.getClientRects()).filter(r => r.width > 0);
  if (!lines.length) return [];
  const width = a.getBoundingClientRect().width, low = Math.min(...lines.map(r => r.height));
  return width < 24 || low < 24 ? [[a.textContent.trim().slice(0, 40), Math.round(width), Math.round(low * 10) / 10]] : []; })"""


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs, self.resources, self.scripts, self.text, self.ids = [], [], 0, [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and "href" in attrs:
            self.hrefs.append(attrs["href"])
        if tag in ("link", "img", "iframe", "source", "video", "audio"):
            self.resources.append(attrs.get("href") or attrs.get("src"))
        if tag == "script":
            self.scripts += 1

    def handle_data(self, data):
        self.text.append(data)


def parse(html: str) -> Links:
    parser = Links()
    parser.feed(html)
    return parser


SHOTS = ROOT / "build" / "screenshots"
# axe's rules that judge the style sheet rather than a page's content.
STYLE_RULES = ["color-contrast", "link-in-text-block", "target-size"]


def html_pages(course) -> dict[Path, str]:
    """The pages in the course's dist/html/, each with its document's kind (chapter, homework,
    solutions, checklist) as the course's own syllabus says, in the order of their names."""
    from coursebuild.documents import documents
    from coursebuild.syllabus import load

    kinds = {d.name: d.kind for d in documents(load(course.root / "syllabus.yaml"))}
    return {page: kinds[page.stem] for page in sorted((course.root / "dist" / "html").glob("*.html"))}


def check_pages(pages: dict[Path, str]) -> tuple[dict, dict]:
    """(axe's serious or critical violations, pages wider than a phone) of these pages (page -> kind).

    Every page at 390 px in the dark scheme: its width, and every rule of axe but the three that
    judge the style sheet's choices (STYLE_RULES: colour contrast, links told apart from text,
    target sizes), three quarters of axe's time on a chapter. The first page of each kind with
    every rule, at 390 px dark and at 1280 px light: colours and sizes come from notes.css alone
    (tests/test_html.py checks that no page sets a colour of its own), so a page of each kind
    shows the pairs its kind can. Screenshots in build/screenshots/: every page at 390 px, the
    first of each kind at 1280 px.
    """
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    axe = axe_source()
    first_of_kind = {}
    for page, kind in pages.items():
        first_of_kind.setdefault(kind, page)
    violations, overflow, checked = {}, {}, 0
    with sync_playwright() as p:
        browser = launch(p)
        try:
            for width, height, scheme in ((390, 844, "dark"), (1280, 900, "light")):
                tab = browser.new_page(viewport={"width": width, "height": height}, color_scheme=scheme)
                tab.route(re.compile(r"^(https?|wss?)://"), lambda route: route.abort())
                for page, kind in pages.items():
                    full = first_of_kind[kind] == page
                    if width == 1280 and not full:
                        continue
                    tab.goto(page.as_uri())
                    tab.screenshot(path=str(SHOTS / f"{page.stem}-{width}px.png"))
                    if width == 390:
                        scroll, inner = tab.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
                        wide = tab.evaluate(OVERFLOWING)
                        if scroll > inner or wide:
                            overflow[page.name] = (scroll, wide[:5])
                    tab.add_script_tag(content=axe)
                    found = tab.evaluate(AXE_SERIOUS, None if full else STYLE_RULES)
                    checked += 1
                    if found:
                        violations[f"{page.name} at {width}px ({scheme})"] = found
                tab.close()
        finally:
            browser.close()
    assert checked == len(pages) + len(first_of_kind)
    return violations, overflow


# The luminance of the page's background (0 black, 1 white): the body's, else the root's, else
# white, a browser's canvas where the page declares no colour scheme.
PAPER = """(() => { for (const e of [document.body, document.documentElement]) {
    const c = getComputedStyle(e).backgroundColor.match(/[\\d.]+/g).map(Number);
    if (c.length < 4 || c[3] > 0) return (0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]) / 255; }
  return 1; })()"""

# The course page (dist/index.html) at a phone's and a desktop's width, each in both schemes.
COURSE_PAGE_VIEWS = ((390, 844, "light"), (390, 844, "dark"), (1280, 900, "light"), (1280, 900, "dark"))


def check_course_page(page: Path, shots: str | None = None) -> dict:
    """What a reader's browser makes of a course page, in each of COURSE_PAGE_VIEWS: axe's serious
    or critical violations with every rule, target-size (24 px) included ("axe"), links smaller
    than a 24 px tap target (SMALL_TARGETS, "small"), horizontal overflow ("overflow"), the
    paper's luminance (0 black, 1 white: "paper"), how many links a voice command "click HTML"
    finds and how many links read "HTML" ("html_names", "html_links"); at the phone's width in the
    light scheme, where the schedule's first row starts and its topics end, against the first
    screen's height ("first_row"); and the labels the schedule's cells show ("labels"). Screenshots
    in build/screenshots/ named `shots`-WIDTHpx-SCHEME.png, when given."""
    from playwright.sync_api import sync_playwright

    axe = axe_source()
    found = {"axe": {}, "small": {}, "overflow": {}, "paper": {}, "html_names": {}, "html_links": {}, "labels": {}}
    with sync_playwright() as p:
        browser = launch(p)
        try:
            for width, height, scheme in COURSE_PAGE_VIEWS:
                view = f"{width}px {scheme}"
                tab = browser.new_page(viewport={"width": width, "height": height}, color_scheme=scheme)
                tab.route(re.compile(r"^(https?|wss?)://"), lambda route: route.abort())
                tab.goto(page.as_uri())
                if shots:
                    SHOTS.mkdir(parents=True, exist_ok=True)
                    tab.screenshot(path=str(SHOTS / f"{shots}-{width}px-{scheme}.png"))
                tab.add_script_tag(content=axe)
                found["axe"][view] = tab.evaluate(AXE_SERIOUS, {"target-size": True})
                found["small"][view] = tab.evaluate(SMALL_TARGETS)
                scroll, inner = tab.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
                found["overflow"][view] = tab.evaluate(OVERFLOWING) if scroll > inner else []
                found["paper"][view] = tab.evaluate(PAPER)
                found["html_names"][view] = tab.get_by_role("link", name="HTML").count()
                found["html_links"][view] = tab.get_by_text("HTML", exact=True).count()
                found["labels"][view] = tab.evaluate("""Array.from(document.querySelectorAll('#schedule .cell-label'))
                    .filter(e => e.getClientRects().length).map(e => e.textContent.trim())""")
                if (width, scheme) == (390, "light"):
                    found["first_row"] = tab.evaluate("""(() => { const row = document.querySelector('#schedule tbody tr');
                        return row && {top: row.getBoundingClientRect().top, screen: window.innerHeight,
                                       topics: row.cells[1].getBoundingClientRect().bottom}; })()""")
                tab.close()
        finally:
            browser.close()
    return found


# axe-core with every rule it has: best practices, WCAG AAA's enhanced contrast, the experimental ones
# and those off by default (target-size) included, each run (runOnly) and switched on. Every violation,
# whatever its impact: {rule: [impact, how many elements, the first one's HTML]}.
AXE_EVERY_RULE = """() => { const ids = axe.getRules().map(r => r.ruleId);
  return axe.run(document, {runOnly: {type: 'rule', values: ids}, resultTypes: ['violations'],
                            rules: Object.fromEntries(ids.map(id => [id, {enabled: true}]))})
    .then(r => Object.fromEntries(r.violations.map(v => [v.id, [v.impact, v.nodes.length, v.nodes[0].html.slice(0, 160)]]))); }"""

# Functions both LAYOUT and TAB_STOP use. A box scrolls when its overflow lets it scroll along an axis
# where its content is larger than it shows; a Tab stop "scrolls" when its own box or its parent's does
# (the course's keyboard element sits inside the box that scrolls: coursebuild/pagelayout.py).
_SCROLLS = """const scrollable = e => { if (!e || e === document.body || e === document.documentElement) return false;
    const s = getComputedStyle(e);
    return (['auto', 'scroll'].includes(s.overflowX) && e.scrollWidth > e.clientWidth + 1)
        || (['auto', 'scroll'].includes(s.overflowY) && e.scrollHeight > e.clientHeight + 1); };
  const stopScrolls = e => scrollable(e) || scrollable(e.parentElement);"""

# What a reader meets on a page, in the window as it is (coursebuild/pagelayout.py and notes.css make it;
# nothing here knows the course's classes but LaTeXML's .ltx_tag_equation), as counts the bench adds up
# and the details the tests name:
# - boxes: every box that scrolls sideways (overflow-x auto or scroll) and every display formula with
#   no such box around it; "displays" those holding a display. "cut" those wider than they show
#   (scrollWidth > clientWidth, or a bare display sticking out of the window), "no_cue" those cut with
#   nothing drawn to say so: a cue is a background image (a scroll shadow) or a displayed ::before or
#   ::after with content, on the box or its parent. cut_boxes: each cut box as [its classes, a cue,
#   the equation number it holds as [text, in view] or null];
# - numbers: equation numbers; "numbers_hidden" those not in view once the window is scrolled (up or
#   down only) to them: outside the window or a box that clips them, or covered at their centre;
# - inline: inline formulas outside displays; "baseline" those whose baseline lies off the text's, in px
#   (an empty <mspace> put in the formula against an empty inline block put after it, or after the
#   inline box that scrolls around it); "inline_off_baseline" how many;
# - tab_stops: elements the Tab key can reach other than links and form controls: those with a tabindex
#   (tabIndex >= 0 and visible, checkVisibility with the visibility property: the course hides the
#   keyboard element of a box that fits), and the boxes Chromium makes Tab stops itself (overflowing by
#   any amount along an axis that scrolls, with nothing focusable inside); "extra_tab_stops" those that scroll nothing
#   (stopScrolls, a pixel's overflow aside); math_tabindex: <math> with a tabindex attribute (the Nu
#   checker's error, and a Tab stop);
# - skips: headings more than one level below the one before them, "heading_skips" how many;
# - figures: each figure image (img.course_figure) and whether it is inside a link to its own file.
LAYOUT = """(() => {
  """ + _SCROLLS + """
  const clips = e => getComputedStyle(e).overflowX !== 'visible';
  const decorated = (e, which) => { const s = getComputedStyle(e, which);
    return s.content && !['none', 'normal'].includes(s.content) && s.display !== 'none' && s.visibility !== 'hidden'; };
  const cue = e => !!e && (getComputedStyle(e).backgroundImage !== 'none' || decorated(e, '::after') || decorated(e, '::before'));
  const inView = e => { const r = e.getBoundingClientRect();
    if (!r.width || r.left < -1 || r.right > window.innerWidth + 1) return false;
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) if (clips(a)) {
      const b = a.getBoundingClientRect(); if (r.left < b.left - 1 || r.right > b.right + 1) return false; }
    window.scrollBy(0, r.top + r.height / 2 - window.innerHeight / 2);
    const s = e.getBoundingClientRect(), seen = document.elementFromPoint(s.left + s.width / 2, s.top + s.height / 2);
    return !!seen && e.contains(seen); };
  const sideways = Array.from(document.querySelectorAll('body *:not(math, math *)'))
    .filter(e => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX));
  const boxes = new Set(sideways);
  for (const m of document.querySelectorAll('math[display="block"]'))
    if (!sideways.some(b => b.contains(m))) boxes.add(m);
  const found = {boxes: boxes.size, displays: 0, cut: 0, no_cue: 0, cut_boxes: []};
  for (const box of boxes) {
    found.displays += box.matches('math[display="block"]') || !!box.querySelector('math[display="block"]');
    const r = box.getBoundingClientRect();
    const bare = box.tagName.toLowerCase() === 'math';
    if (!(bare ? r.right > window.innerWidth + 1 || r.left < -1 : box.scrollWidth > box.clientWidth + 1)) continue;
    const tag = box.querySelector('.ltx_tag_equation'), drawn = !bare && (cue(box) || cue(box.parentElement));
    found.cut += 1; found.no_cue += !drawn;
    found.cut_boxes.push([box.className || box.tagName.toLowerCase(), drawn, tag && [tag.textContent.trim(), inView(tag)]]); }
  const numbers = Array.from(document.querySelectorAll('.ltx_tag_equation')).filter(e => e.getClientRects().length);
  found.numbers = numbers.length; found.numbers_hidden = numbers.filter(e => !inView(e)).length;
  found.baseline = []; found.inline = 0;
  for (const math of document.querySelectorAll('math:not([display="block"])')) {
    if (math.closest('table.ltx_equation, table.ltx_equationgroup, math[display="block"]')) continue;
    found.inline += 1;
    const space = document.createElementNS('http://www.w3.org/1998/Math/MathML', 'mspace');
    const mark = document.createElement('span');
    mark.style.cssText = 'display: inline-block; width: 0; height: 0';
    math.prepend(space);
    // after the formula, or after the inline box that scrolls around it (the line's baseline is outside it)
    (sideways.filter(b => b.contains(math) && getComputedStyle(b).display.startsWith('inline')).pop() || math).after(mark);
    const off = mark.getBoundingClientRect().bottom - space.getBoundingClientRect().bottom;
    if (Math.abs(off) > 1) found.baseline.push([math.getAttribute('alttext'), Math.round(off * 10) / 10]);
    space.remove(); mark.remove(); }
  found.inline_off_baseline = found.baseline.length;
  const native = 'a[href], area[href], button, input, select, textarea, summary, iframe, [contenteditable]';
  const focusable = e => e.tabIndex >= 0 && e.checkVisibility({visibilityProperty: true});
  // Chromium also stops on a box that a reader can scroll, by any amount, and that holds nothing the keyboard can reach.
  const scroller = e => { const s = getComputedStyle(e), free = o => ['auto', 'scroll'].includes(o);
    return ((free(s.overflowX) && e.scrollWidth > e.clientWidth) || (free(s.overflowY) && e.scrollHeight > e.clientHeight))
        && !Array.from(e.querySelectorAll('*')).some(focusable); };
  const stops = Array.from(document.querySelectorAll('body *:not(math *)')).filter(e => !e.matches(native)
    && (e.hasAttribute('tabindex') ? focusable(e) : e.tagName.toLowerCase() !== 'math' && scroller(e) && e.checkVisibility({visibilityProperty: true})));
  found.tab_stops = stops.length; found.extra_tab_stops = stops.filter(e => !stopScrolls(e)).length;
  found.math_tabindex = document.querySelectorAll('math[tabindex]').length;
  found.skips = []; let before = 0;
  for (const h of document.querySelectorAll('h1, h2, h3, h4, h5, h6')) {
    const level = Number(h.tagName[1]);
    if (before && level > before + 1) found.skips.push(`h${before} -> h${level}: ${h.textContent.trim().slice(0, 40)}`);
    before = level; }
  found.heading_skips = found.skips.length;
  found.figures = Array.from(document.querySelectorAll('img.course_figure')).map(img => { const a = img.closest('a[href]');
    return [img.getAttribute('src'), !!a && a.getAttribute('href') === img.getAttribute('src')]; });
  window.scrollTo(0, 0);
  return found; })()"""

# Where the Tab key is: [tag, class, href, whether it is a link, whether it scrolls (stopScrolls), whether
# focus was there before (window.courseTabSeen, which tab_stops empties: two stops may look alike)].
TAB_STOP = """(() => { """ + _SCROLLS + """
  const e = document.activeElement, again = window.courseTabSeen.has(e);
  window.courseTabSeen.add(e);
  return [e.tagName.toLowerCase(), e.className, e.getAttribute('href'), e.matches('a[href]'), stopScrolls(e), again]; })()"""


def tab_stops(tab, limit: int = 400) -> list[list]:
    """The page's Tab stops, in order (the Tab key until focus is back on the page's body), each as TAB_STOP says."""
    tab.evaluate("document.activeElement && document.activeElement.blur(); window.courseTabSeen = new WeakSet()")
    stops = []
    for _ in range(limit):
        tab.keyboard.press("Tab")
        *stop, again = tab.evaluate(TAB_STOP)
        if stop[0] == "body" or again:
            break
        stops.append(stop)
    return stops


# The views every page is judged in: a phone in the dark scheme, a desktop in the light one.
VIEWS = ((390, 844, "dark"), (1280, 800, "light"))


def view_name(width: int, scheme: str) -> str:
    return f"{width}px {scheme}"


def browse(pages: list[Path], views=VIEWS, axe: bool = True, keys: bool = False, progress=None) -> dict:
    """{page: {view: seen}} for each page in each view, in one browser with the network cut off, where
    seen holds "layout" (LAYOUT), "page_width" ([the page's width, the window's]), "axe" (AXE_EVERY_RULE,
    unless axe is false) and, with keys, "tab_stops" (tab_stops: the Tab key pressed through the page,
    what LAYOUT's static count of Tab stops must agree with; slow on a long page)."""
    from playwright.sync_api import sync_playwright

    script = axe_source() if axe else None
    found: dict = {}
    with sync_playwright() as p:
        browser = launch(p)
        try:
            for width, height, scheme in views:
                tab = browser.new_page(viewport={"width": width, "height": height}, color_scheme=scheme)
                tab.route(re.compile(r"^(https?|wss?)://"), lambda route: route.abort())
                tab.set_default_timeout(600_000)
                for page in pages:
                    tab.goto(page.as_uri())
                    seen = found.setdefault(page, {})[view_name(width, scheme)] = {}
                    seen["layout"] = tab.evaluate(LAYOUT)
                    seen["page_width"] = tab.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
                    if keys:
                        seen["tab_stops"] = tab_stops(tab)
                    if script:
                        tab.add_script_tag(content=script)
                        seen["axe"] = tab.evaluate(AXE_EVERY_RULE)
                    if progress:
                        progress(page, width, scheme)
                tab.close()
        finally:
            browser.close()
    return found
