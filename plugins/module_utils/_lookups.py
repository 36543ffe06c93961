# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The reads the start modules make before and after they start a job: volumes by ID or name, accounts, async
results and sync jobs. Private to the collection.

Every read is retried on transient faults through the task's Retrier, so it shares the task's deadline. A name
that matches no volume, or several, is a LookupFailed whose text names the option to set. Deleted volumes (which
ListVolumes lists until they are purged) never count.
Runs on targets, so it stays compatible with every Python a supported ansible-core allows there.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.solidfire.element.plugins.module_utils._client import ElementAPIError, ElementError

CLONE_RESULT_TYPE = 'Clone'
DELETED = 'deleted'
INIT = 'init'


class LookupFailed(ElementError):
    """What the task was asked to work on is not there (or not unique); str() is the message for the user."""


def live(volumes):
    """Volumes that are not deleted (ListVolumes lists deleted volumes until they are purged)."""
    return [volume for volume in volumes if volume.get('status') != DELETED]


class VolumeRef:
    """How a task names one volume: by ID or by name (narrowed to an account), and what to call it in messages.

    role: 'source volume', 'destination volume', ...; id_option / account_option: the options that pick one
    volume when a name is ambiguous (None when the module has no such option).
    """

    def __init__(self, role, volume_id=None, name=None, account_id=None, id_option=None, account_option=None,
                 where=''):
        self.role = role
        self.volume_id = volume_id
        self.name = name
        self.account_id = account_id
        self.id_option = id_option
        self.account_option = account_option
        self.where = where  # a prefix for messages about one list item, such as 'volumes[1]: '


class Lookups:
    """Read-only calls for one task: client plus the task's Retrier (its deadline, backoff and abandon check)."""

    def __init__(self, client, retrier):
        self.client = client
        self._retrier = retrier

    def read(self, function, *args):
        """A read-only call, retried on transient faults while the deadline allows."""
        return self._retrier.call(function, self.client.http_timeout, 'reading from the cluster', *args)

    def volumes(self, query):
        return live(self.read(self.client.call, 'ListVolumes', query).get('volumes') or [])

    def volume(self, ref):
        """The one live volume ref names; LookupFailed when there is none or more than one."""
        if ref.volume_id is not None:
            found = [v for v in self.volumes({'volumeIDs': [ref.volume_id]}) if v.get('volumeID') == ref.volume_id]
            if not found:
                raise LookupFailed('%s%s %d does not exist (or is deleted).' % (ref.where, ref.role, ref.volume_id))
            if ref.account_id is not None and found[0].get('accountID') != ref.account_id:
                raise LookupFailed('%s%s %d belongs to account %s, not to %s %d.' % (
                    ref.where, ref.role, ref.volume_id, found[0].get('accountID'), ref.account_option, ref.account_id))
            return found[0]
        query = {'volumeName': ref.name}
        if ref.account_id is not None:
            query['accounts'] = [ref.account_id]
        found = [v for v in self.volumes(query) if v.get('name') == ref.name
                 and (ref.account_id is None or v.get('accountID') == ref.account_id)]
        if not found:
            in_account = ' in account %d' % ref.account_id if ref.account_id is not None else ''
            raise LookupFailed('%s%s %r does not exist%s (no volume of that name that is not deleted).'
                               % (ref.where, ref.role, ref.name, in_account))
        if len(found) > 1:
            raise LookupFailed(ambiguous_message(ref, found))
        return found[0]

    def named(self, name, account_id):
        """The live volumes named `name` in account_id, oldest first."""
        found = [v for v in self.volumes({'volumeName': name, 'accounts': [account_id]})
                 if v.get('name') == name and v.get('accountID') == account_id]
        return sorted(found, key=lambda volume: volume.get('volumeID'))

    def check_account(self, account_id, option='account_id'):
        try:
            self.read(self.client.call, 'GetAccountByID', {'accountID': account_id})
        except ElementAPIError as exc:
            if exc.name == 'xAccountIDDoesNotExist':
                raise LookupFailed('account %d (%s) does not exist (%s).' % (account_id, option, exc))
            raise

    def clone_jobs(self):
        """Every Clone-type entry of ListAsyncResults (CloneVolume, CloneMultipleVolumes, CopyVolume); never purges."""
        return self.read(self.client.list_async_results, [CLONE_RESULT_TYPE])

    def sync_jobs(self):
        """ListSyncJobs entries, or [] where this user or API version may not call it (they only help a lookup)."""
        try:
            return self.read(self.client.list_sync_jobs)
        except ElementAPIError:
            return []

    def refreshed(self, volume):
        """The volume as it is now, or as we had it if one read cannot get it (the task's outcome is already held)."""
        try:
            answer = self._retrier.attempt(self.client.call, self.client.http_timeout, 'ListVolumes',
                                           {'volumeIDs': [volume['volumeID']]})
        except ElementError:
            return volume
        for candidate in answer.get('volumes') or []:
            if candidate.get('volumeID') == volume['volumeID']:
                return candidate
        return volume


def ambiguous_message(ref, volumes):
    ids = ', '.join('%s (account %s)' % (v.get('volumeID'), v.get('accountID')) for v in volumes)
    hint = 'set %s to one of them' % ref.id_option
    if ref.account_option and len(set(v.get('accountID') for v in volumes)) > 1:
        hint += ', or %s to the account to use' % ref.account_option
    return '%s%s name %r is ambiguous: it matches %d volumes, IDs %s; %s.' % (
        ref.where, ref.role, ref.name, len(volumes), ids, hint)


def entry_data(entry):
    """An async result entry's data when it is a Clone-type entry with an object for data, else None."""
    data = entry.get('data')
    if entry.get('resultType') != CLONE_RESULT_TYPE or not isinstance(data, dict):
        return None
    return data


def newest_handle(running, done):
    """The newest running handle, else the newest completed one, else None."""
    for found in (running, done):
        if found:
            return max(found)
    return None
