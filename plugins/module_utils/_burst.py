# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A burst of requests (the finished results a round found, the releases at the end) over a few keep-alive
connections. Private to the collection.

Each request of an Element cluster spends most of its time in the cluster, not on the wire: measured on the
simulator with 20 ms of server time per request, 200 releases took 4.5 s over one connection, 2.3 s over two and
1.1 s over four (0.25 s either way with no server time). A few connections, each a client of its own, so a request
that is cut off at its deadline never breaks another's. Pure Python; runs on targets (Python 2.7 and 3.6+).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import threading

# Enough to hide the cluster's time per request, few enough not to crowd its API.
BURST_CONNECTIONS = 4


def each(function, items, clients, stop=None):
    """[(item, value, exception)] of function(client, item) for every item begun, in item order.

    With more than one client, one thread per client takes the next item until none is left (or stop() is true:
    the items not begun are left out of the answer). Exceptions are caught per item and returned, never raised.
    """
    stop = stop or (lambda: False)
    answers = [None] * len(items)
    if len(clients) <= 1 or len(items) <= 1:
        for index, item in enumerate(items):
            if stop():
                break
            answers[index] = _one(function, clients[0], item)
        return [answer for answer in answers if answer is not None]
    lock = threading.Lock()
    position = [0]

    def work(client):
        while not stop():
            with lock:
                index = position[0]
                if index >= len(items):
                    return
                position[0] = index + 1
            answers[index] = _one(function, client, items[index])

    workers = [threading.Thread(target=work, args=(client,), name='solidfire-element-burst') for client in clients]
    for worker in workers:
        worker.daemon = True
        worker.start()
    for worker in workers:
        worker.join()
    return [answer for answer in answers if answer is not None]


def _one(function, client, item):
    try:
        return (item, function(client, item), None)
    # Handed back to the caller, which decides what each failure means for its item.
    except Exception as exc:  # pylint: disable=broad-except
        return (item, None, exc)
