# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What one GetAsyncResult answer says about a job: running, complete, failed, or something we cannot read.

Private to the collection. Pure Python; runs on targets, so it stays compatible with every Python a supported
ansible-core allows there. An answer we cannot read is never waited on and never released: the task fails at
once, naming the handle and what was odd, and the handle stays on the cluster as it was.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.solidfire.element.plugins.module_utils._client import ElementError

# Outcome states of one handle.
COMPLETE = 'complete'   # finished with a result
ERROR = 'error'         # finished with an error object (the job failed)
RUNNING = 'running'     # still running when the deadline passed (or when not waiting)
GONE = 'gone'           # the handle does not exist (consumed or expired)
FATAL = 'fatal'         # the wait itself failed (credentials, endpoint, TLS, API error, an unreadable answer)
FINISHED_STATES = (COMPLETE, ERROR)

# Keys under which an answer may name the handle it is about.
HANDLE_KEYS = ('asyncHandle', 'asyncResultID')


class ElementUnexpectedAnswer(ElementError):
    """An answer about a job that cannot be read safely; the wait ends and the handle is left untouched."""


def interpret(handle, response):
    """(state, answer) for one GetAsyncResult answer about `handle`; raises ElementUnexpectedAnswer.

    Decisions (documented in the module and in docs/troubleshooting.md):
    - `running`: still running; details that are not an object are kept under {"value": ...};
    - `complete` with a non-null `error`: the job failed, also when a `result` came with it (the error wins);
      an error that is not an object is kept as {"message": <its text>};
    - `complete` with an object `result` and no error: the job succeeded;
    - anything else (another status, complete without result or error, a result that is not an object, an answer
      about another handle) cannot be read safely.
    """
    for key in HANDLE_KEYS:
        named = response.get(key)
        if named is not None and named != handle:
            raise unexpected(handle, 'an answer about another handle (%s %r)' % (key, named))
    status = response.get('status')
    if status == 'running':
        details = response.get('details')
        if details is not None and not isinstance(details, dict):
            response = dict(response, details={'value': details})
        return RUNNING, response
    if status != 'complete':
        raise unexpected(handle, 'the status %r, which GetAsyncResult does not report (it reports running or '
                         'complete only)' % (status,))
    error = response.get('error')
    if error is not None:
        if not isinstance(error, dict):
            response = dict(response, error={'message': '%s' % (error,)})
        return ERROR, response
    result = response.get('result')
    if isinstance(result, dict):
        return COMPLETE, response
    if result is None:
        raise unexpected(handle, 'status complete but neither a result nor an error')
    raise unexpected(handle, 'status complete and a result that is not an object (%s)' % type(result).__name__)


def unexpected(handle, what):
    return ElementUnexpectedAnswer(
        'The cluster answered GetAsyncResult for async handle %s with %s. The handle was not waited on and not '
        'released: it is left untouched on the cluster. Look at the job with solidfire.element.async_results_info '
        'or the Element UI.' % (handle, what))
