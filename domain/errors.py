"""The one error the domain and services raise for bad input."""

from __future__ import annotations


class RuleViolation(ValueError):
    """Input that breaks a rule: names the field and the clause it breaks.

    The CLI prints it and exits with code 2; nothing of the command is written.
    """

    def __init__(self, field: str, message: str, clause: str | None = None) -> None:
        self.field = field
        self.clause = clause
        self.message = message
        cited = f" (п. {clause})" if clause else ""
        super().__init__(f"{field}: {message}{cited}")

    def as_dict(self) -> dict[str, str | None]:
        return {"field": self.field, "clause": self.clause, "message": self.message}


class NotFound(RuleViolation):
    """An id that names nothing."""


class EnvironmentFault(RuleViolation):
    """The machine, not the input: a database out of reach, a folder srok may not write.

    The CLI reports it like bad input (field, message, JSON) but exits with code 1,
    and never advises `srok init` for what `srok init` cannot mend.
    """

    exit_code = 1
