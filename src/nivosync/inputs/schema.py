"""Declarative schemas (pydantic) for config and templates, with user-readable errors."""

from __future__ import annotations

import difflib
import types
import typing
from typing import Annotated, Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ValidationError

from nivosync.errors import InvalidInput, Problem
from nivosync.inputs.yamlfile import Location, YamlDocument
from nivosync.inputs.yamlfile import dotted as _dotted

ModelT = TypeVar("ModelT", bound=BaseModel)


def parse_document(doc: YamlDocument, model: type[ModelT]) -> ModelT:
    """Validate a YAML document against `model`; every problem becomes FILE:LINE: message."""
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        problems = [_problem(doc, model, err) for err in exc.errors()]
        raise InvalidInput.from_problems(_dedupe(problems)) from None


def _problem(doc: YamlDocument, model: type[BaseModel], err: Any) -> Problem:
    location: Location = tuple(part for part in err["loc"] if not _is_union_tag(part))
    where = _dotted(location)
    kind = err["type"]
    if kind == "extra_forbidden":
        key = location[-1]
        allowed = _field_names(model, location[:-1])
        hint = _suggest(str(key), allowed)
        return doc.problem(location, f"unknown key '{where}'{hint}")
    if kind == "missing":
        return doc.problem(location[:-1], f"missing required key '{where}'")
    message = _plain_message(err)
    got = err.get("input")
    shown = f" (got {got!r})" if got is not None and not isinstance(got, dict | list) else ""
    return doc.problem(location, f"{where}: {message}{shown}")


def _plain_message(err: Any) -> str:
    message = str(err["msg"])
    # pydantic prefixes custom ValueErrors; our validators already speak to the user.
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    return message


def _is_union_tag(part: str | int) -> bool:
    # pydantic adds the tried union member (e.g. 'str', 'date', 'function-after[...]') to loc.
    return isinstance(part, str) and (
        part in {"str", "int", "date", "none", "bool", "float", "list[...]"}
        or part.startswith(("function-", "list[", "dict[", "literal["))
    )


def _suggest(key: str, allowed: list[str]) -> str:
    if not allowed:
        return ""
    close = difflib.get_close_matches(key, allowed, n=1)
    if close:
        return f"; did you mean '{close[0]}'?"
    return f"; allowed here: {', '.join(allowed)}"


def _field_names(model: type[BaseModel], location: Location) -> list[str]:
    """Names of the keys allowed at `location` inside `model` (for 'did you mean')."""
    current: Any = model
    for part in location:
        current = _step(current, part)
        if current is None:
            return []
    current = _unwrap_optional(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _step(annotation: Any, part: str | int) -> Any:
    annotation = _unwrap_optional(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        field = annotation.model_fields.get(str(part))
        return field.annotation if field else None
    args = typing.get_args(annotation)
    origin = typing.get_origin(annotation)
    if origin in (list, tuple) and args:
        return args[0]
    if origin is dict and len(args) == 2:
        return args[1]
    return None


def _unwrap_optional(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(members) == 1:
            return members[0]
    return annotation


def _dedupe(problems: list[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))


def _time_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"'{name}' is not a time zone name: use an IANA name such as Europe/Berlin or UTC"
        ) from None
    return name


TimeZoneName = Annotated[str, AfterValidator(_time_zone)]  # an IANA name such as Europe/Berlin
