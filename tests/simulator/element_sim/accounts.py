"""Account methods beyond AddAccount / ListAccounts / GetAccountByID: GetAccountByName, ModifyAccount, RemoveAccount."""
from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import ApiError, invalid
from .params import Params
from .state import Cluster

if TYPE_CHECKING:
    from .methods import Context

ACCOUNT_STATUS = ("active", "locked")
SECRET_LENGTH = (12, 16)


def check_secrets(initiator: str | None, target: str | None) -> None:
    """CHAP secrets are 12 to 16 characters, and the initiator's differs from the target's."""
    for key, secret in (("initiatorSecret", initiator), ("targetSecret", target)):
        if secret is not None and not SECRET_LENGTH[0] <= len(secret) <= SECRET_LENGTH[1]:
            raise invalid(f"The parameter '{key}' must be {SECRET_LENGTH[0]} to {SECRET_LENGTH[1]} characters long.")
    if initiator is not None and initiator == target:
        raise invalid("The initiator and target CHAP secrets must differ.")


def get_account_by_name(cluster: Cluster, p: Params, _ctx: "Context") -> dict:
    """GetAccountByName: an unknown name is xUnknownAccount, message and all, as clusters answer it."""
    username = p.req("username", "str")
    for account in cluster.accounts.values():
        if account["username"] == username:
            return {"account": cluster.account_view(account)}
    raise ApiError("xUnknownAccount", "xUnknownAccount")


def modify_account(cluster: Cluster, p: Params, _ctx: "Context") -> dict:
    """ModifyAccount: username, status, CHAP secrets, enableChap, attributes; every value checked before any is set."""
    account = cluster.account(p.req("accountID", "int"))
    username = p.opt("username", "str")
    status = p.opt("status", "str")
    initiator = p.opt("initiatorSecret", "str")
    target = p.opt("targetSecret", "str")
    enable_chap = p.opt("enableChap", "bool")
    attributes = p.opt("attributes", "dict")
    if username is not None:
        if not 1 <= len(username) <= 64:
            raise invalid("The parameter 'username' must be 1 to 64 characters long.")
        if any(a["username"] == username and a is not account for a in cluster.accounts.values()):
            raise ApiError("xDuplicateUsername", f"Username '{username}' already exists.")
    if status is not None and status not in ACCOUNT_STATUS:
        raise invalid(f"Invalid value for 'status': {status}.")
    check_secrets(initiator if initiator is not None else account["initiatorSecret"],
                  target if target is not None else account["targetSecret"])
    changes = {"username": username, "status": status, "initiatorSecret": initiator, "targetSecret": target,
               "enableChap": enable_chap, "attributes": attributes}
    account.update({key: value for key, value in changes.items() if value is not None})
    return {"account": cluster.account_view(account)}


def remove_account(cluster: Cluster, p: Params, _ctx: "Context") -> dict:
    """RemoveAccount: refused while the account owns volumes, deleted ones not yet purged included."""
    account = cluster.account(p.req("accountID", "int"))
    owned = sorted(vid for vid, v in cluster.volumes.items() if v["accountID"] == account["accountID"])
    if owned:
        raise invalid(f"Account ID {account['accountID']} still has volumes {owned}: delete and purge them first.")
    del cluster.accounts[account["accountID"]]
    return {}


METHODS = {
    "GetAccountByName": get_account_by_name,
    "ModifyAccount": modify_account,
    "RemoveAccount": remove_account,
}
