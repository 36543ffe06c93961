# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How much of an answer the client will hold: a cap on its bytes while it streams in, and on the values it holds
before it is parsed. Private to the collection.

Sized from measured answers, so that a big cluster is normal and a hostile or broken server is still cut off
(docs/reliability.md, "Big answers"):
- ListAsyncResults of a cluster that keeps results is about 230 bytes a result: 2.3 MiB for 10,000, 9.1 MiB for
  40,000, 23 MiB for 100,000; ListVolumes of a full cluster (4,000 volumes, as many deleted awaiting purge) about
  16 MiB. MAX_ANSWER_BYTES leaves room for more than twice the largest.
- Parsed JSON costs 30 to 100 bytes of memory a value: 100,000 results (2.5 million values) hold about 125 MiB
  once parsed, a body of tiny values ([[],[],...]) far more per byte. MAX_ANSWER_VALUES lets 160,000 results pass
  and refuses a body whose values alone would take more than about 300 MiB.
- A caller that needs a few entries of a long list (a wait on some handles of a cluster with 100,000 results)
  gives a shape: entries it does not need are dropped while the answer is parsed, so what it holds is what it
  asked for.
Runs on targets, so it stays compatible with every Python a supported ansible-core allows there.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

from ansible_collections.solidfire.element.plugins.module_utils._errors import (
    ElementAnswerTooLarge,
    ElementError,
    ElementTransientError,
)

MAX_ANSWER_BYTES = 64 * 1024 * 1024
MAX_ANSWER_VALUES = 4000000
READ_CHUNK_BYTES = 64 * 1024
# The key that marks an async result entry, the unit a shape keeps or drops.
ENTRY_KEY = 'asyncResultID'


def too_large(url, method, how_much):
    return ElementAnswerTooLarge(
        'The answer of %s to %s is larger than the %s an Element answer can be (%s). A proxy or the server '
        'sends something else; check what answers at that address. Nothing was retried.'
        % (url, method, mib(MAX_ANSWER_BYTES), how_much))


def read_capped(response, url, method, describe_break):
    """The body of a streamed requests response (a bytearray: a copy of 23 MiB is not free), abandoned once it
    passes MAX_ANSWER_BYTES.

    describe_break(exc, received) words a broken stream for the transient error it becomes.
    """
    announced = content_length(response)
    if announced is not None and announced > MAX_ANSWER_BYTES:
        raise too_large(url, method, 'it announced %s (Content-Length)' % mib(announced))
    content = bytearray()
    try:
        for chunk in response.iter_content(READ_CHUNK_BYTES):
            content += chunk
            if len(content) > MAX_ANSWER_BYTES:
                raise too_large(url, method, '%s arrived before it was abandoned' % mib(len(content)))
    except ElementError:
        raise
    # Any break of the stream (a reset, IncompleteRead, a socket shut down when the time was up) is transient.
    except Exception as exc:  # pylint: disable=broad-except
        raise ElementTransientError(describe_break(exc, len(content)))
    return content


def decode(content, url, method, shape=None):
    """The JSON of a body, or None when it is not JSON (in UTF-8) at all; ElementAnswerTooLarge past the limit.

    shape: a callable given every object that names an async result (has ENTRY_KEY) as it is parsed; it returns the
    object (or a smaller one) to keep, or None to drop it.
    """
    values = count_values(content)
    if values > MAX_ANSWER_VALUES:
        raise too_large(url, method, 'it holds about %d values, more than the %d one can parse safely'
                        % (values, MAX_ANSWER_VALUES))
    hook = None
    if shape is not None:
        def hook(pairs):
            item = dict(pairs)
            return shape(item) if ENTRY_KEY in item else item
    try:
        return json.loads(content.decode('utf-8'), object_pairs_hook=hook)
    except (ValueError, UnicodeError, RuntimeError):  # RuntimeError: nesting too deep
        return None


def count_values(content):
    """An upper bound on the values a JSON body holds: its separators and openings (C-speed byte counts)."""
    return sum(content.count(mark) for mark in (b'[', b'{', b',', b':'))


def content_length(response):
    try:
        return int(response.headers.get('Content-Length'))
    except (TypeError, ValueError, AttributeError):
        return None


def mib(size):
    return '%.1f MiB' % (size / 1048576.0)
