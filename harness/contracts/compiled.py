"""A contract's response schema, compiled once for each of two engines.

Almost every recorded body fits its contract, so the question asked most is
"does it fit?", and jsonschema-rs answers it in microseconds. Only a body it
rejects is walked with jsonschema, whose errors carry the paths and keywords
the checker's messages are made of; that walk is also the final word, so a
body the two engines judge differently (a regex dialect) gets jsonschema's
verdict, as it always did. Where jsonschema-rs cannot compile a schema, or
cannot read an instance (an integer past 64 bits), jsonschema answers alone.

The fast validator reaches other files only through the registry the
jsonschema validator is given, which refuses anything outside the folders the
contract may reach; it never fetches anything itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from harness.schemas import CheckedSchema

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
    from jsonschema.exceptions import ValidationError  # type: ignore[import-untyped]

# What jsonschema-rs calls the document a schema with no `$id` lives in; referencing calls it "".
_RS_BASE = "json-schema:///"
_UNCOMPILED: Any = object()


class CompiledSchema:
    """`jsonschema`'s validator for one schema, and jsonschema-rs's, each compiled on first
    use: a run whose bodies all fit never imports jsonschema."""

    __slots__ = ("_checked", "_fast", "_validator")

    def __init__(self, checked: CheckedSchema) -> None:
        self._checked = checked
        self._validator: Draft202012Validator | None = None
        self._fast: Any = _UNCOMPILED

    @property
    def schema(self) -> Any:
        return self._checked.schema

    @property
    def validator(self) -> Draft202012Validator:
        if self._validator is None:
            self._validator = self._checked.validator()
        return self._validator

    @property
    def engine(self) -> str:
        """Which engine says whether an instance fits: `jsonschema-rs`, or `jsonschema` alone."""
        fast = self._fast if self._fast is not _UNCOMPILED else self._compile()
        return "jsonschema" if fast is None else "jsonschema-rs"

    def fits(self, instance: Any) -> bool:
        """True when `instance` surely fits; False means "ask `iter_errors`"."""
        fast = self._fast if self._fast is not _UNCOMPILED else self._compile()
        if fast is None:
            return False
        try:
            return bool(fast.is_valid(instance))
        except Exception:  # a value jsonschema-rs cannot take (an integer past 64 bits)
            return False

    def iter_errors(self, instance: Any) -> Iterator[ValidationError]:
        return self.validator.iter_errors(instance)

    def _compile(self) -> Any:
        try:
            import jsonschema_rs

            self._fast = jsonschema_rs.Draft202012Validator(
                self.schema, validate_formats=False, retriever=self._retrieve
            )
        except Exception:  # no wheel for this platform, or a schema only jsonschema reads
            self._fast = None
        return self._fast

    def _retrieve(self, uri: str) -> Any:
        if uri.startswith(_RS_BASE):
            uri = uri[len(_RS_BASE) :]
        return self._checked.registry().get_or_retrieve(uri).value.contents
