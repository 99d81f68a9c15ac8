"""tests/build/render.py - the checklist and review pages, laid out by a real browser.

usage: python3 tests/build/render.py CHROMIUM OUTDIR RETRY_DIR SHOTS_DIR PAGE...

Drives headless Chromium over its DevTools protocol (--remote-debugging-pipe:
JSON messages on file descriptors 3 and 4, no network) and asserts on the
geometry the browser computes, not on pictures:

- at 1280 px and at 420 px, no page scrolls sideways and no element reaches
  past the right edge; at 420 px the recipe's table is one card per step
  (its rows are blocks, its header hidden);
- in print (A4 and Letter, with the print style), nothing is wider than the
  printable width, so no border is clipped; the PDF Chromium prints is read
  back with pdftotext page by page: no page ends with a heading, and each
  card (a step, a check) that fits on a page is on one page; pdftoppm renders
  the pages, whose right margin must be blank;
- the page's script runs (it counts the tick boxes), a tick survives a
  reload, and the same checklist built for another run (RETRY_DIR: another
  --window-start) opens with no ticks;
- without its script, each sign-off line still shows the blanks to fill in
  on paper.

PNG screenshots of each width and the first printed pages go to SHOTS_DIR
for a person to look at.  Prints PASS/FAIL lines; exits 1 on a failure.
"""
import base64
import fcntl
import json
import os
import re
import select
import subprocess
import sys
import tempfile

failures = 0


def check(ok, what):
    global failures
    print(("PASS " if ok else "FAIL ") + what)
    if not ok:
        failures += 1


class Browser:
    """Headless Chromium spoken to over the pipe: commands on fd 3, answers on fd 4."""

    def __init__(self, chromium, profile):
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()
        # the child must see them as descriptors 3 and 4
        def setup():
            # through copies above 4, so neither lands on the other; dup2 leaves them inheritable
            r, w = os.dup(to_chrome_r), os.dup(from_chrome_w)
            r, w = fcntl.fcntl(r, fcntl.F_DUPFD, 10), fcntl.fcntl(w, fcntl.F_DUPFD, 10)
            os.dup2(r, 3)
            os.dup2(w, 4)
        self.proc = subprocess.Popen(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--no-first-run", "--hide-scrollbars", "--user-data-dir=" + profile, "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            close_fds=False, preexec_fn=setup)  # descriptors 3 and 4 are made in setup()
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.buffer = b""
        self.next_id = 0
        self.events = []
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.call("Page.enable", session=True)
        self.call("Runtime.enable", session=True)

    def read_message(self, timeout=60):
        while b"\0" not in self.buffer:
            ready, _, _ = select.select([self.from_chrome], [], [], timeout)
            if not ready:
                raise TimeoutError("Chromium did not answer")
            chunk = os.read(self.from_chrome, 1 << 20)
            if not chunk:
                raise EOFError("Chromium closed the pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method, params=None, session=False):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = self.session
        os.write(self.to_chrome, json.dumps(message).encode() + b"\0")
        while True:
            answer = self.read_message()
            if answer.get("id") == self.next_id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer.get("result", {})
            self.events.append(answer)

    def wait_for(self, event, timeout=60):
        for i, e in enumerate(self.events):
            if e.get("method") == event:
                del self.events[: i + 1]
                return e
        while True:
            e = self.read_message(timeout)
            if e.get("method") == event:
                return e
            self.events.append(e)

    def open(self, url, width, height=900, media=""):
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600}, session=True)
        self.call("Emulation.setEmulatedMedia", {"media": media}, session=True)
        self.events.clear()
        self.call("Page.navigate", {"url": url}, session=True)
        self.wait_for("Page.loadEventFired")

    def js(self, expression):
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, path, width, height):
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600}, session=True)
        data = self.call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True,
                                                   "clip": {"x": 0, "y": 0, "width": width, "height": height,
                                                            "scale": 1}}, session=True)["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))

    def close(self):
        try:
            self.call("Browser.close")
        except (EOFError, TimeoutError, RuntimeError, OSError):
            pass
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


# What the page looks like to the browser: the width it needs, what reaches past the edge,
# whether the recipe's rows are cards, and the cards with their heights.
GEOMETRY = r"""
(function () {
  var root = document.documentElement, view = root.clientWidth, past = [];
  document.querySelectorAll('body *').forEach(function (el) {
    var r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > view + 0.5 && past.length < 5)
      past.push(el.tagName.toLowerCase() + (el.className ? '.' + el.className : '') + ' ' + Math.round(r.right));
  });
  var row = document.querySelector('table tbody tr');
  var head = document.querySelector('table thead');
  return {
    view: view,
    scroll: root.scrollWidth,
    past: past,
    recipeRow: row ? getComputedStyle(row).display : null,
    recipeHead: head ? getComputedStyle(head).display : null,
    progress: (document.querySelector('.progress') || {}).textContent || null,
    cards: Array.prototype.map.call(document.querySelectorAll('.card'), function (c) {
      var h = c.querySelector('h3'), t = c.querySelector('.sign label');
      return {head: h ? h.textContent : null, tick: t ? t.textContent.trim() : null,
              height: c.getBoundingClientRect().height};
    }),
    headings: Array.prototype.map.call(document.querySelectorAll('h1, h2, h3'), function (h) {
      return h.textContent;
    }),
    // each section's heading with the first card under it: they must start on the same page
    leads: Array.prototype.map.call(document.querySelectorAll('section'), function (sec) {
      var h = sec.querySelector('h2'), c = sec.querySelector('.card'), first = c && c.querySelector('h3, .sign label');
      return h && first ? {head: h.textContent, first: first.textContent.trim(),
                           height: c.getBoundingClientRect().bottom - h.getBoundingClientRect().top} : null;
    }).filter(function (x) { return x; })
  };
})()
"""

MM = 96 / 25.4  # CSS pixels per millimetre
PAPERS = {"A4": (210.0, 297.0), "Letter": (215.9, 279.4)}
PAGE_MARGIN_MM = 14  # @page{margin:14mm}


def words(text):
    return re.sub(r"\s+", " ", text).strip()


def pdf_pages(pdf):
    """The text of each page, as pdftotext lays it out."""
    out = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, check=True).stdout
    return out.decode("utf-8", "replace").split("\f")[:-1] or [""]


def right_margin_blank(pdf, paper, tmp):
    """Renders each page (gray, 30 dpi) and looks for ink in the right margin."""
    prefix = os.path.join(tmp, "page")
    subprocess.run(["pdftoppm", "-gray", "-r", "30", pdf, prefix], check=True)
    inked = []
    for name in sorted(os.listdir(tmp)):
        if not (name.startswith("page") and name.endswith(".pgm")):
            continue
        with open(os.path.join(tmp, name), "rb") as f:
            data = f.read()
        fields = data.split(maxsplit=4)  # P5 width height maxval pixels
        width, height = int(fields[1]), int(fields[2])
        pixels = fields[4][-width * height:]
        band = int(width * (PAGE_MARGIN_MM - 4) / paper[0])  # the margin less 4 mm of slack
        for y in range(height):
            row = pixels[y * width: (y + 1) * width]
            if min(row[width - band:]) < 200:
                inked.append(name)
                break
        os.remove(os.path.join(tmp, name))
    return inked


def check_print(browser, url, name, paper_name, shots, tmp):
    paper = PAPERS[paper_name]
    printable = (paper[0] - 2 * PAGE_MARGIN_MM) * MM
    browser.open(url, int(printable), media="print")
    geo = browser.js(GEOMETRY)
    check(geo["scroll"] <= geo["view"] and not geo["past"],
          f"{name}: printed on {paper_name}, nothing is wider than the printable {geo['view']} px"
          + (f" (past the edge: {geo['past']})" if geo["past"] else ""))
    pdf = os.path.join(tmp, f"{name}-{paper_name}.pdf")
    data = browser.call("Page.printToPDF", {"paperWidth": paper[0] / 25.4, "paperHeight": paper[1] / 25.4,
                                            "preferCSSPageSize": True, "printBackground": False},
                        session=True)["data"]
    with open(pdf, "wb") as f:
        f.write(base64.b64decode(data))
    pages = pdf_pages(pdf)
    text_pages = [words(p) for p in pages]

    # no heading alone at a page's foot
    headings = [words(h) for h in geo["headings"] if words(h)]
    stranded = []
    for i, page in enumerate(pages[:-1]):
        lines = [words(line) for line in page.splitlines() if words(line)]
        if lines and any(lines[-1] == h or (len(h) > 20 and h.startswith(lines[-1])) for h in headings):
            stranded.append(f"page {i + 1}: {lines[-1]!r}")
    # nor with only its introduction: a section's heading starts on the page of its first card
    page_height = (paper[1] - 2 * PAGE_MARGIN_MM) * MM
    for lead in geo["leads"]:
        if lead["height"] > page_height:
            continue
        head, first = words(lead["head"]), words(lead["first"])
        where = next((i for i, t in enumerate(text_pages) if head in t), None)
        if where is None or first not in text_pages[where][text_pages[where].find(head):]:
            stranded.append(f"{head!r} on page {where + 1 if where is not None else '?'} without {first!r}")
    check(not stranded, f"{name}: printed on {paper_name} ({len(pages)} pages), no heading ends a page"
          + (f": {stranded}" if stranded else ""))

    # each card that fits on a page is printed on one page: its heading and its tick on the same page
    split = []
    at = 0
    flat = [(i, t) for i, t in enumerate(text_pages)]
    for card in geo["cards"]:
        if not card["head"] or not card["tick"] or card["height"] > page_height:
            continue
        head, tick = words(card["head"]), words(card["tick"])
        where_head = next((i for i, t in flat[at:] if head in t), None)
        if where_head is None:
            split.append(f"{head!r} not found")
            continue
        after = text_pages[where_head][text_pages[where_head].find(head) + len(head):]
        if tick not in after:
            split.append(f"{head!r} from page {where_head + 1}")
        at = where_head
    check(not split, f"{name}: printed on {paper_name}, every card that fits on a page is on one page"
          + (f": split {split[:4]}" if split else ""))

    inked = right_margin_blank(pdf, paper, tmp)
    check(not inked, f"{name}: printed on {paper_name}, the right margin of every page is blank"
          + (f": not on {inked[:4]}" if inked else ""))
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "2", pdf,
                    os.path.join(shots, f"{name}-{paper_name}")], check=True)


def check_screen(browser, url, name, width, shots):
    browser.open(url, width)
    geo = browser.js(GEOMETRY)
    check(geo["scroll"] <= geo["view"] and not geo["past"],
          f"{name}: at {width} px, no sideways scroll (needs {geo['scroll']} of {geo['view']} px)"
          + (f"; past the edge: {geo['past']}" if geo["past"] else ""))
    if geo["recipeRow"] is not None:
        cards = geo["recipeRow"] == "block" and geo["recipeHead"] == "none"
        want = width < 600
        check(cards == want, f"{name}: at {width} px the recipe is " + ("stacked cards" if want else "a table")
              + f" (rows display:{geo['recipeRow']}, header display:{geo['recipeHead']})")
    height = int(browser.js("document.documentElement.scrollHeight"))
    browser.screenshot(os.path.join(shots, f"{name}-{width}.png"), width, min(height, 6000))
    return geo


def check_ticks(browser, url, retry_url, name):
    """A tick stays when the page is opened again, and another run's page starts with none."""
    browser.open(url, 1280)
    boxes = browser.js("document.querySelectorAll('input[type=checkbox]').length")
    first = browser.js("(function () { var b = document.querySelector('.card.step input[type=checkbox]');"
                       " if (!b) return null; b.click(); return b.getAttribute('data-id'); })()")
    if not first:
        check(False, f"{name}: a step card has a tick box")
        return
    # the sign-off of that step and of the next card: typed as a person types (an input event each)
    typed = browser.js("(function () { var s = document.querySelectorAll('.card.step .sign');"
                       " var f = [s[0].querySelectorAll('input:not([type])'), s[1].querySelectorAll('input:not([type])')];"
                       " var v = ['A. Operator', '22:15', 'B. Other', '23:40'];"
                       " [f[0][0], f[0][1], f[1][0], f[1][1]].forEach(function (e, i) {"
                       "   e.value = v[i]; e.dispatchEvent(new Event('input')); });"
                       " return f[0].length === 2 && f[1].length === 2; })()")
    browser.open(url, 1280)
    kept = browser.js(f"document.querySelector('input[data-id=\"{first}\"]').checked")
    progress = browser.js("document.querySelector('.progress').textContent")
    check(kept and progress == f"1 of {boxes} ticked",
          f"{name}: a tick survives opening the page again ({progress})")
    signed = browser.js("(function () { var s = document.querySelectorAll('.card.step .sign');"
                        " return [s[0], s[1]].map(function (x) { return Array.prototype.map.call("
                        "   x.querySelectorAll('input:not([type])'), function (e) { return e.value; }).join('|'); })"
                        "   .join(' / '); })()")
    check(typed and signed == "A. Operator|22:15 / B. Other|23:40",
          f"{name}: each card's name and time survive opening the page again, each in its own field ({signed})")
    browser.open(retry_url, 1280)
    fresh = browser.js(f"document.querySelector('input[data-id=\"{first}\"]').checked")
    blank = browser.js("Array.prototype.every.call(document.querySelectorAll('.sign input:not([type])'),"
                       " function (e) { return e.value === ''; })")
    key_a = browser.js("document.querySelector('[data-store]').getAttribute('data-store')")
    check(not fresh and blank,
          f"{name}: the same plan built for another window opens with no ticks and no sign-offs ({key_a})")
    browser.open(url, 1280)
    browser.js("localStorage.clear()")


def check_without_script(browser, url, name):
    """Opened where scripts do not run (a mail reader, a locked-down browser), each sign-off line
    still shows its blanks to fill in on paper, and its tick box keeps its own size."""
    browser.call("Emulation.setScriptExecutionDisabled", {"value": True}, session=True)
    try:
        browser.open(url, 1280)
    finally:
        browser.call("Emulation.setScriptExecutionDisabled", {"value": False}, session=True)
    lines = browser.js("Array.prototype.map.call(document.querySelectorAll('.sign'), function (s) {"
                       " var box = s.querySelector('[type=checkbox]').getBoundingClientRect();"
                       " return [getComputedStyle(s, '::after').content, Math.round(box.width),"
                       "         s.querySelectorAll('input').length]; })")
    blank = [l for l in lines if "Signed" not in l[0] or "Time" not in l[0]]
    wide = [l for l in lines if l[1] > 24]
    check(lines and not blank and not wide and all(l[2] == 1 for l in lines),
          f"{name}: without its script, each of the {len(lines)} sign-off lines shows its blanks for paper"
          + (f": not {blank[:2]}" if blank else "") + (f": boxes {wide[:2]} px wide" if wide else ""))


def main(chromium, outdir, retry_dir, shots, pages):
    os.makedirs(shots, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        browser = Browser(chromium, os.path.join(tmp, "profile"))
        try:
            for page in pages:
                url = "file://" + os.path.abspath(os.path.join(outdir, page))
                name = page.rsplit(".", 1)[0]
                for width in (1280, 420):
                    geo = check_screen(browser, url, name, width, shots)
                if page.endswith(".checklist.html"):
                    boxes = sum(1 for c in geo["cards"] if c["tick"])
                    check(geo["progress"] == f"0 of {boxes} ticked",
                          f"{name}: the page's script runs and counts {boxes} tick boxes ({geo['progress']})")
                    check_ticks(browser, url, "file://" + os.path.abspath(os.path.join(retry_dir, page)), name)
                    check_without_script(browser, url, name)
                for paper in ("A4", "Letter"):
                    check_print(browser, url, name, paper, shots, tmp)
        finally:
            browser.close()
    print(f"render: {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) < 6:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]))
