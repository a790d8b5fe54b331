"""Errors that the apps raise and the shared infrastructure (the API's problem handler) must render, without
the infrastructure knowing the apps."""

from typing import Any

from django.core.exceptions import ValidationError


class ConflictError(ValidationError):
    """A change refused because of the state of the record, not because the input is malformed: the API answers
    409 with a problem document of type `problem_type` carrying `problem_members()`. A form shows it beside the
    field like any ValidationError."""

    problem_type = "conflict"

    @property
    def detail(self) -> str:
        return "; ".join(self.messages)

    def problem_members(self) -> dict[str, Any]:
        """Members of the problem document beyond type, title, status and detail."""
        return {"errors": self.message_dict if hasattr(self, "error_dict") else {"non_field_errors": self.messages}}
