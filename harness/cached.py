"""`cached_value`: a property computed on first read and kept in the instance's `__dict__`.

What `functools.cached_property` does, without the lock it takes on every first read in
Python 3.11 (dropped in 3.12): a check reads the parsed body or events of thousands of
exchanges once each, so nearly every read is a first read. The values are pure functions
of frozen records, so two threads computing one at once get equal values; the lock only
ever saved the duplicate work.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar, overload

_T = TypeVar("_T")


class cached_value(Generic[_T]):  # lower case: used as a decorator, like `property`
    """A non-data descriptor: once the value is in the instance's `__dict__` under the same
    name, attribute lookup finds it there and never calls this again."""

    def __init__(self, compute: Callable[[Any], _T]) -> None:
        self.compute = compute
        self.name = compute.__name__
        self.__doc__ = compute.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> cached_value[_T]: ...
    @overload
    def __get__(self, instance: object, owner: type | None = None) -> _T: ...
    def __get__(self, instance: object | None, owner: type | None = None) -> Any:
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.compute(instance)
        return value
