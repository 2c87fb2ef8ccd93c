"""`dataclass` as the standard library's, made in half the time.

Python 3.11 and 3.12 compile every method a dataclass gets from source text, about 0.1 ms each on
a CI runner: six for a frozen class (__init__, __repr__, __eq__, __hash__, __setattr__,
__delattr__). A run defines about fifty before its first request: 28 ms of a 0.17 s launch. Here
__repr__, __eq__ and __hash__ are functions made once per class without compiling anything, which
read the values of the class's fields. Only __init__ (and a frozen class's __setattr__ and
__delattr__) are compiled.

They behave as the generated ones: same fields (`repr`, `compare` and `hash` of `field()` count),
same results, NotImplemented against another class, `__hash__` None on a mutable class, and a
method the class defines itself is kept (`tests/test_lean_dataclass.py` compares the two). A call is
slower, and no hot path compares, hashes or prints these objects by the thousand. Python 3.13
compiles a class's methods in one go, so this module could go when 3.12 does.
"""

from __future__ import annotations

import dataclasses
import reprlib
from collections.abc import Callable
from typing import Any, TypeVar, dataclass_transform, overload

T = TypeVar("T")


@overload
def dataclass(cls: type[T], /) -> type[T]: ...


@overload
def dataclass(*, frozen: bool = False) -> Callable[[type[T]], type[T]]: ...


@dataclass_transform(field_specifiers=(dataclasses.field, dataclasses.Field))
def dataclass(cls: type[T] | None = None, /, *, frozen: bool = False) -> Any:
    """`dataclasses.dataclass(cls, frozen=frozen)`, with the same methods, faster to make."""

    def wrap(cls: type[T]) -> type[T]:
        own = dict(cls.__dict__)  # what the class defines itself, before dataclasses adds anything
        made = dataclasses.dataclass(cls, frozen=frozen, repr=False, eq=False)
        _add_methods(made, own, frozen)
        return made

    return wrap if cls is None else wrap(cls)


def _add_methods(cls: type, own: dict[str, Any], frozen: bool) -> None:
    fields = dataclasses.fields(cls)
    shown = tuple(f.name for f in fields if f.repr)
    compared = tuple(f.name for f in fields if f.compare)
    hashed = tuple(f.name for f in fields if (f.compare if f.hash is None else f.hash))

    @reprlib.recursive_repr()
    def __repr__(self: Any) -> str:
        values = ", ".join(f"{name}={getattr(self, name)!r}" for name in shown)
        return f"{self.__class__.__qualname__}({values})"

    def __eq__(self: Any, other: object) -> Any:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return tuple(getattr(self, name) for name in compared) == tuple(getattr(other, name) for name in compared)

    def __hash__(self: Any) -> int:
        return hash(tuple(getattr(self, name) for name in hashed))

    if "__repr__" not in own:
        _as_method_of(cls, __repr__)
    if "__eq__" not in own:
        _as_method_of(cls, __eq__)
    # As dataclasses decides: a __hash__ of the class's own stays (not the None that Python gives a
    # class defining __eq__ alone); else hashed by the fields when frozen, unhashable when mutable.
    explicit_hash = "__hash__" in own and not (own["__hash__"] is None and "__eq__" in own)
    if explicit_hash:
        return
    if frozen:
        _as_method_of(cls, __hash__)
    else:
        cls.__hash__ = None  # type: ignore[assignment]


def _as_method_of(cls: type, method: Callable[..., Any]) -> None:
    method.__qualname__ = f"{cls.__qualname__}.{method.__name__}"
    setattr(cls, method.__name__, method)
