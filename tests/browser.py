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


# axe-core with every rule it has switched on (best practices, WCAG AAA's enhanced contrast, the
# experimental ones): every violation, whatever its impact, as (rule, impact, how many, first element).
AXE_EVERY_RULE = """() => axe.run(document, {resultTypes: ['violations'],
    rules: Object.fromEntries(axe.getRules().map(r => [r.ruleId, {enabled: true}]))}).then(r => r.violations
  .map(v => [v.id, v.impact, v.nodes.length, v.nodes[0].html.slice(0, 120)]))"""

# What a reader sees of a page's layout (coursebuild/pagelayout.py, notes.css), in the window as it is:
# - skips: headings that come more than one level below the one before them (the first may be an h1 or h2);
# - math_tabindex: <math> elements with a tabindex;
# - boxes: each scroll box (display, code, long inline formula) that is wider than its content area:
#   [its kind, a cue (a background image), the number it shows (if any) and whether that number
#   lies within the window and is what the window shows at its centre];
# - inline, baseline: how many inline formulas there are, and each whose baseline lies off the text's,
#   in px (an empty <mspace> in the formula against an empty inline block after it, both on the baseline);
# - figures: each figure's image, and whether it is inside a link to its own SVG.
LAYOUT = """(() => {
  const found = {skips: [], math_tabindex: document.querySelectorAll('math[tabindex]').length, boxes: [],
                 inline: 0, baseline: [], figures: []};
  let before = 1;
  for (const h of document.querySelectorAll('h1, h2, h3, h4, h5, h6')) {
    const level = Number(h.tagName[1]);
    if (level > before + 1) found.skips.push(`h${before} -> h${level}: ${h.textContent.trim().slice(0, 40)}`);
    before = level; }
  for (const box of document.querySelectorAll('.course_scroll')) {
    if (box.scrollWidth <= box.clientWidth) continue;
    box.scrollIntoView({block: 'center'});
    const tag = box.querySelector('.ltx_tag_equation');
    let number = null;
    if (tag) { const r = tag.getBoundingClientRect();
      const seen = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      number = [tag.textContent, r.left >= 0 && r.right <= window.innerWidth && !!seen && tag.contains(seen)]; }
    found.boxes.push([box.classList[1], getComputedStyle(box).backgroundImage !== 'none', number]); }
  for (const math of document.querySelectorAll('math:not([display="block"])')) {
    if (math.closest('table.ltx_equation, table.ltx_equationgroup')) continue;
    found.inline += 1;
    const space = document.createElementNS('http://www.w3.org/1998/Math/MathML', 'mspace');
    const mark = document.createElement('span');
    mark.style.cssText = 'display: inline-block; width: 0; height: 0';
    math.prepend(space);
    const box = math.closest('.course_inline') || math;
    box.after(mark);
    const off = mark.getBoundingClientRect().bottom - space.getBoundingClientRect().bottom;
    if (Math.abs(off) > 1) found.baseline.push([math.getAttribute('alttext'), Math.round(off * 10) / 10]);
    space.remove(); mark.remove(); }
  for (const img of document.querySelectorAll('img.course_figure')) {
    const a = img.closest('a[href]');
    found.figures.push([img.getAttribute('src'), !!a && a.getAttribute('href') === img.getAttribute('src')]); }
  return found; })()"""

# Where the Tab key goes, from the top of the page until it leaves the page: each stop as
# [tag, class, href, whether it is a link, whether it is the keyboard's element of a box that scrolls].
TAB_STOP = """(() => { const e = document.activeElement;
  const box = e.classList.contains('course_scroll_focus') ? e.parentElement : null;
  return [e.tagName.toLowerCase(), e.className, e.getAttribute('href'), e.matches('a[href]'),
          !!box && box.scrollWidth > box.clientWidth]; })()"""


def tab_stops(tab, limit: int = 400) -> list[list]:
    """The page's Tab stops, in order (the Tab key until focus is back on the page's body)."""
    tab.evaluate("document.activeElement && document.activeElement.blur()")
    stops = []
    for _ in range(limit):
        tab.keyboard.press("Tab")
        stop = tab.evaluate(TAB_STOP)
        if stop[0] == "body" or (stops and stop == stops[0]):
            break
        stops.append(stop)
    return stops


# The views every rule of axe and the layout are judged in: a phone in the dark scheme, a desktop in the light.
LAYOUT_VIEWS = ((390, 844, "dark"), (1280, 800, "light"))


def check_layout(pages: list[Path]) -> dict:
    """page name -> view -> what a reader meets there: axe's violations with every rule (AXE_EVERY_RULE),
    the layout (LAYOUT), the Tab stops (tab_stops) and the page's width against the window's."""
    from playwright.sync_api import sync_playwright

    axe = axe_source()
    found: dict = {}
    with sync_playwright() as p:
        browser = launch(p)
        try:
            for width, height, scheme in LAYOUT_VIEWS:
                tab = browser.new_page(viewport={"width": width, "height": height}, color_scheme=scheme)
                tab.route(re.compile(r"^(https?|wss?)://"), lambda route: route.abort())
                for page in pages:
                    tab.goto(page.as_uri())
                    view = found.setdefault(page.name, {})[f"{width}px {scheme}"] = {}
                    view["layout"] = tab.evaluate(LAYOUT)
                    view["tab_stops"] = tab_stops(tab)
                    view["page_width"] = tab.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
                    tab.add_script_tag(content=axe)
                    view["axe"] = tab.evaluate(AXE_EVERY_RULE)
                tab.close()
        finally:
            browser.close()
    return found
