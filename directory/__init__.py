"""The city's user directory (Active Directory over LDAP): who may log in, and in which role."""
