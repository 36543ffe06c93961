#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: async_results_info
short_description: List Element (SolidFire) async jobs without consuming their results
version_added: 1.0.0
description:
  - Lists the async results the cluster knows (running and completed jobs, such as clones, copies, bulk volume jobs,
    drive adds, ...) with one C(ListAsyncResults) call, optionally filtered.
  - Finds jobs whose handle was lost, for example after a crashed run, an AWX job killed mid-wait, or a clone
    started by another tool, so that M(solidfire.element.get_async_result) can wait on them.
  - Never purges anything. C(ListAsyncResults) does not delete results, and this module never sends
    C(GetAsyncResult), whose read of a completed job without C(keepResult) would.
  - Transient faults (HTTP 5xx without an API error, dropped connections, requests that run out of
    O(http_timeout), C(xDBVersionMismatch)) are retried with backoff for up to 30 seconds; the module has no wait
    options.
author:
  - solidfire.element contributors (!UNKNOWN)
options:
  result_types:
    description:
      - Only jobs of these types, for example V(Clone), V(BulkVolume), V(DriveAdd), V(DriveRemoval).
      - Sent to the cluster as C(asyncResultTypes), and checked again on the answer.
    type: list
    elements: str
  async_handles:
    description:
      - Only these handles, positive integers (digit strings are accepted; null entries are ignored).
      - Handles that the cluster does not know are simply not returned.
    type: list
    elements: raw
  completed:
    description:
      - V(true) for completed jobs only, V(false) for running jobs only; omitted for both.
    type: bool
extends_documentation_fragment:
  - solidfire.element.connection
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.actiongroups
attributes:
  check_mode:
    support: full
    details: The module only reads; check mode runs it unchanged.
  diff_mode:
    support: N/A
    details: Nothing is changed, so there is no diff.
  platform:
    platforms: posix
  action_group:
    support: full
    membership:
      - solidfire.element.element
seealso:
  - module: solidfire.element.get_async_result
    description: Wait for the jobs found here.
  - module: solidfire.element.volume_clone
    description: Start clones that return their async handle.
  - name: Element API reference for ListAsyncResults
    description: The API method this module wraps.
    link: https://docs.netapp.com/us-en/element-software/api/reference_element_api_listasyncresults.html
'''

EXAMPLES = r'''
- name: Find clone jobs that are still running (for example after an AWX job was killed mid-wait)
  solidfire.element.async_results_info:
    result_types: [Clone]
    completed: false
  register: running

- name: Wait on all of them in one task (skipped when there are none)
  solidfire.element.get_async_result:
    async_handles: "{{ running.async_results | map(attribute='async_handle') | list }}"
    wait_timeout: 3600

- name: Look at two known handles without consuming them
  solidfire.element.async_results_info:
    async_handles: [389, 390]
  register: jobs

- name: Show which of them failed
  ansible.builtin.debug:
    msg: "{{ jobs.async_results | selectattr('completed') | rejectattr('success') | map(attribute='async_handle') | list }}"

- name: Find the running clone that fills volume 47
  solidfire.element.async_results_info:
    result_types: [Clone]
    completed: false
  register: clones
- name: Its handle
  ansible.builtin.set_fact:
    handle: "{{ (clones.async_results | selectattr('data.volumeID', 'defined') | selectattr('data.volumeID', 'equalto', 47)
                 | first).async_handle }}"
'''

RETURN = r'''
async_results:
  description: The async results that pass every filter, sorted by handle.
  returned: success
  type: list
  elements: dict
  contains:
    async_handle:
      description: The job's async handle (C(asyncResultID) in the API).
      type: int
      sample: 389
    completed:
      description: Whether the job has completed.
      type: bool
      sample: false
    success:
      description: Whether the job completed without an error; false while it runs.
      type: bool
      sample: false
    result_type:
      description: The job type, for example C(Clone) or C(BulkVolume).
      type: str
      sample: Clone
    create_time:
      description: When the job was created, ISO 8601 UTC, as the API returned it.
      type: str
      sample: '2026-11-29T06:15:58Z'
    last_update_time:
      description: When the job last changed, ISO 8601 UTC, as the API returned it.
      type: str
      sample: '2026-11-29T06:16:02Z'
    data:
      description:
        - While running, the job's details (for a clone C(volumeID) of the new volume and C(percentComplete));
          when completed, its result, or its error object when it failed.
      type: dict
      sample: {"volumeID": 47, "percentComplete": 40}
changed:
  description: Always false; nothing is changed.
  returned: always
  type: bool
msg:
  description: How many results matched the filters, out of how many the cluster listed.
  returned: always
  type: str
  sample: 1 of 3 async results match the filters.
'''

from ansible_collections.solidfire.element.plugins.module_utils._common import run_as_module
from ansible_collections.solidfire.element.plugins.module_utils._async_results_info import ASYNC_RESULTS_INFO


def main():
    run_as_module(ASYNC_RESULTS_INFO)


if __name__ == '__main__':
    main()
