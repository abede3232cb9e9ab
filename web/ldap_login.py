"""SROK_AUTH=ldap: the directory (directory/ldap.py) behind the small interface login needs."""

from __future__ import annotations

from typing import Any

from services.users import DirectoryPerson, DirectoryUnavailable


class LdapDirectoryAdapter:
    """Turn LdapDirectory's answers into what services.users.log_in expects."""

    def __init__(
        self, directory: Any, settings: Any, role_for: Any, unavailable: type[Exception]
    ) -> None:
        self.directory = directory
        self.settings = settings
        self.role_for = role_for
        self.unavailable = unavailable

    def authenticate(self, login: str, password: str) -> DirectoryPerson | None:
        try:
            user = self.directory.authenticate(login, password)
        except self.unavailable as error:
            raise DirectoryUnavailable(str(error)) from None
        if user is None:
            return None
        return DirectoryPerson(
            login=user.login, mail=user.mail, role=self.role_for(user, self.settings)
        )


def directory_from_env() -> LdapDirectoryAdapter:
    """Build the directory from SROK_LDAP_* (needs the directory package)."""
    from directory.ldap import DirectoryUnavailable as LdapUnavailable
    from directory.ldap import LdapDirectory, LdapSettings, role_for

    settings = LdapSettings.from_env()
    return LdapDirectoryAdapter(LdapDirectory(settings), settings, role_for, LdapUnavailable)
