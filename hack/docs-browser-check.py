"""Open the built module pages in headless Chromium and check what a reader sees.

    python hack/docs-browser-check.py HTML_DIR COLLECTIONS_DIR OUT_DIR

For every module of the collection (its documentation read with ansible-doc from COLLECTIONS_DIR), the page
under HTML_DIR/collections/solidfire/element/ is served from 127.0.0.1 and opened in Chromium (Debian's
/usr/bin/chromium, headless). From the DOM Chromium rendered (--dump-dom) it checks that the options table has a
row for every documented option, the return values table a row for every return value, and the examples block
holds the module's examples; from a screenshot (--screenshot, kept in OUT_DIR) that the page rendered (not blank,
the theme's colours and text, not a bare white page). Exits non-zero on the first page that fails, naming what
is missing.
"""
import functools
import html.parser
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading

from PIL import Image

COLLECTION = 'solidfire.element'
CHROMIUM = os.environ.get('CHROMIUM', '/usr/bin/chromium')
# Flags for a root process on a machine without a network beyond loopback: without the background-networking
# ones Chromium keeps opening connections that the network refuses.
CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                  '--disable-background-networking', '--disable-component-update', '--disable-sync',
                  '--hide-scrollbars', '--window-size=1280,3000']


class PageText(html.parser.HTMLParser):
    """The ids and the text of the rendered page, enough to find table rows and code blocks."""

    def __init__(self):
        super().__init__()
        self.ids = set()
        self.text = []
        self.code = []
        self._pre = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get('id'):
            self.ids.add(attrs['id'])
        if tag == 'pre':
            self._pre += 1

    def handle_endtag(self, tag):
        if tag == 'pre' and self._pre:
            self._pre -= 1

    def handle_data(self, data):
        self.text.append(data)
        if self._pre:
            self.code.append(data)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # one line per module page is printed instead
        pass


def module_docs(collections):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections)
    listing = json.loads(subprocess.check_output(['ansible-doc', '--list', '--json', COLLECTION], env=env))
    names = sorted(listing)
    docs = json.loads(subprocess.check_output(['ansible-doc', '--json'] + names, env=env))
    return {name: docs[name] for name in names}


def option_paths(options, prefix=''):
    for name, spec in (options or {}).items():
        yield prefix + name
        yield from option_paths(spec.get('suboptions'), prefix + name + '/')


# antsibull-docs leaves a RETURN entry named ansible_facts out of the return values table (ansible-doc shows it);
# the fact get_async_result publishes is described on the page by its fact_name option, which is checked.
NOT_IN_RETURN_TABLE = {'ansible_facts'}


def return_paths(returns, prefix=''):
    for name, spec in (returns or {}).items():
        if not prefix and name in NOT_IN_RETURN_TABLE:
            continue
        yield prefix + name
        contains = spec.get('contains')
        if isinstance(contains, dict):
            yield from return_paths(contains, prefix + name + '/')


def chromium(args, user_data):
    cmd = [CHROMIUM] + CHROMIUM_FLAGS + ['--user-data-dir=' + user_data] + args
    return subprocess.run(cmd, check=True, capture_output=True, timeout=120).stdout.decode('utf-8', 'replace')


def check_screenshot(path):
    with Image.open(path) as image:
        image = image.convert('RGB')
        width, height = image.size
        colours = image.getcolors(maxcolors=1 << 20) or []
    problems = []
    if (width, height) != (1280, 3000):
        problems.append('screenshot is %dx%d, not the window size' % (width, height))
    if len(colours) < 50:
        problems.append('screenshot has %d colours: the page did not render' % len(colours))
    white = sum(count for count, colour in colours if colour == (255, 255, 255))
    if white > 0.97 * width * height:
        problems.append('screenshot is %.1f%% white: the page did not render' % (100.0 * white / (width * height)))
    return problems


def main(html_dir, collections, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    handler = functools.partial(QuietHandler, directory=html_dir)
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = 'http://127.0.0.1:%d/collections/solidfire/element/' % server.server_address[1]
    failures = 0
    try:
        for name, doc in module_docs(collections).items():
            short = name.split('.')[-1]
            url = base + short + '_module.html'
            user_data = tempfile.mkdtemp(prefix='docs-chromium-')
            try:
                dom = chromium(['--dump-dom', url], user_data)
                shot = os.path.join(out_dir, short + '_module.png')
                chromium(['--screenshot=' + shot, url], user_data)
            finally:
                shutil.rmtree(user_data, ignore_errors=True)
            page = PageText()
            page.feed(dom)
            problems = []
            # antsibull-docs gives each options/return row an anchor: parameter-<path> / return-<path>
            for path in option_paths(doc['doc'].get('options')):
                if 'parameter-' + path not in page.ids:
                    problems.append('options table has no row for %s' % path)
            for path in return_paths(doc.get('return')):
                if 'return-' + path not in page.ids:
                    problems.append('return values table has no row for %s' % path)
            code = ''.join(page.code)
            example_lines = [line.strip() for line in (doc.get('examples') or '').splitlines()
                             if line.strip() and not line.strip().startswith('#')]
            if not example_lines:
                problems.append('the module documents no examples')
            missing = [line for line in example_lines if line not in code]
            if missing:
                problems.append('examples block is missing %d of %d lines, first: %r'
                                % (len(missing), len(example_lines), missing[0]))
            if name not in ''.join(page.text):
                problems.append('page does not name %s' % name)
            problems.extend(check_screenshot(shot))
            if problems:
                failures += 1
                for problem in problems:
                    print('docs-browser-check: %s: %s' % (url, problem), file=sys.stderr)
            else:
                print('docs-browser-check: %s: %d options, %d return values, %d example lines rendered; screenshot %s'
                      % (short, len(list(option_paths(doc['doc'].get('options')))),
                         len(list(return_paths(doc.get('return')))), len(example_lines), shot))
    finally:
        server.shutdown()
    return 1 if failures else 0


if __name__ == '__main__':
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))
