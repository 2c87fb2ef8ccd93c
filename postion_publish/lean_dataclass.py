"""`dataclass` as the standard library's, made with one method compiled instead of six.

Python 3.11 and 3.12 compile every method a dataclass gets from source text, about 0.1 ms each on
a CI runner: six for a frozen class (__init__, __repr__, __eq__, __hash__, __setattr__,
__delattr__), and they write its docstring from `inspect.signature`. A run defines about fifty
before its first request: 28 ms of a 0.17 s launch. Here only __init__ is compiled, from shorter
text; the other five are functions made once per class without compiling anything, which read the
class's fields, and the docstring is written from the fields. Our modules load in 18 ms, not 29.

They behave as the generated ones: same fields (`repr`, `compare`, `hash` and `init` of `field()`
count), same results and errors, NotImplemented against another class, `__hash__` None on a mutable
class, a method the class defines itself kept, the same `__dataclass_params__`, signature and
docstring (`tests/test_lean_dataclass.py` compares the two). A class the standard library has to
make differently (one with an InitVar, or a dataclass among its bases) is made by it, and then gets
the same __repr__, __eq__ and __hash__. A call to these is slower, and no hot path compares, hashes
or prints these objects by the thousand. Python 3.13 compiles a class's methods in one go, so this
module could go when 3.12 does.
"""

from __future__ import annotations

import dataclasses
import inspect
import reprlib
import sys
from collections.abc import Callable
from typing import Any, TypeVar, dataclass_transform, overload

T = TypeVar("T")


class _Factory:
    """The default of a parameter whose field has a `default_factory` (shown as the standard one)."""

    def __repr__(self) -> str:
        return "<factory>"


_FACTORY = _Factory()


@overload
def dataclass(cls: type[T], /) -> type[T]: ...


@overload
def dataclass(*, frozen: bool = False) -> Callable[[type[T]], type[T]]: ...


@dataclass_transform(field_specifiers=(dataclasses.field, dataclasses.Field))
def dataclass(cls: type[T] | None = None, /, *, frozen: bool = False) -> Any:
    """`dataclasses.dataclass(cls, frozen=frozen)`, with the same methods, faster to make."""

    def wrap(cls: type[T]) -> type[T]:
        own = dict(cls.__dict__)  # what the class defines itself, before dataclasses adds anything
        if _made_the_standard_way(cls, own):
            made = dataclasses.dataclass(cls, frozen=frozen, repr=False, eq=False)
        else:
            if frozen:
                for name in ("__setattr__", "__delattr__"):
                    if name in own:
                        raise TypeError(f"Cannot overwrite attribute {name} in class {cls.__name__}")
            undocumented = not cls.__doc__
            cls.__doc__ = cls.__doc__ or "-"  # written below, once __init__ is there
            made = dataclasses.dataclass(cls, init=False, repr=False, eq=False)
            _add_init(made, own, frozen, undocumented)
        _add_methods(made, own, frozen)
        return made

    return wrap if cls is None else wrap(cls)


def _made_the_standard_way(cls: type, own: dict[str, Any]) -> bool:
    """A dataclass among its bases (its fields and frozenness are checked against theirs), or an
    InitVar or keyword-only field (named in an annotation, or a `field(kw_only=True)`)."""
    if any(hasattr(base, "__dataclass_fields__") for base in cls.__mro__[1:]):
        return True
    for annotation in inspect.get_annotations(cls).values():  # its own (Python 3.14 makes them lazily)
        text = annotation if isinstance(annotation, str) else repr(annotation)
        if "InitVar" in text or "KW_ONLY" in text:
            return True
    return any(isinstance(value, dataclasses.Field) and value.kw_only is True for value in own.values())


def _add_init(cls: type, own: dict[str, Any], frozen: bool, undocumented: bool) -> None:
    """What `dataclasses.dataclass(init=True, frozen=frozen)` adds besides repr, eq and hash."""
    fields = dataclasses.fields(cls)
    params = cls.__dataclass_params__  # type: ignore[attr-defined]
    params.init, params.frozen = True, frozen
    if "__init__" not in own:
        _as_method_of(cls, _init(cls, fields, frozen))
    if frozen:
        _add_frozen(cls, tuple(f.name for f in fields))
    if undocumented:
        plain = type(cls) is type and "__init__" not in own and "__new__" not in own
        signature = _signature_text(fields) if plain else str(inspect.signature(cls)).replace(" -> None", "")
        cls.__doc__ = cls.__name__ + signature


def _init(cls: type, fields: tuple[dataclasses.Field[Any], ...], frozen: bool) -> Callable[..., None]:
    """The standard __init__: the same parameters, defaults, factories and __post_init__ call."""
    me = "__dataclass_self__" if "self" in {f.name for f in fields} else "self"
    values: dict[str, Any] = {"__dataclass_builtins_object__": object, "_HAS_DEFAULT_FACTORY": _FACTORY}
    parameters, lines = [me], []
    seen_default: str | None = None  # the last parameter with a default
    for f in fields:
        default = f"_dflt_{f.name}"
        has_factory = f.default_factory is not dataclasses.MISSING
        if f.init:
            if f.default is not dataclasses.MISSING:
                values[default] = f.default
                parameters.append(f"{f.name}={default}")
                seen_default = f.name
            elif has_factory:
                parameters.append(f"{f.name}=_HAS_DEFAULT_FACTORY")
                seen_default = f.name
            elif seen_default:
                after = f" {seen_default!r}" if sys.version_info >= (3, 13) else ""  # as each version says it
                raise TypeError(f"non-default argument {f.name!r} follows default argument{after}")
            else:
                parameters.append(f.name)
        if has_factory:
            values[default] = f.default_factory
            value = f"{default}() if {f.name} is _HAS_DEFAULT_FACTORY else {f.name}" if f.init else f"{default}()"
        elif f.init:
            value = f.name
        else:
            continue  # its default is the class's attribute, or it stays unset
        if frozen:
            lines.append(f"  __dataclass_builtins_object__.__setattr__({me},{f.name!r},{value})")
        else:
            lines.append(f"  {me}.{f.name}={value}")
    if hasattr(cls, "__post_init__"):
        lines.append(f"  {me}.__post_init__()")
    source = f"def __init__({','.join(parameters)}):\n" + ("\n".join(lines) or "  pass")
    namespace: dict[str, Any] = {}
    exec(source, {**values, "__builtins__": __builtins__}, namespace)  # the text made above, from field names
    init: Callable[..., None] = namespace["__init__"]
    init.__annotations__ = {f.name: f.type for f in fields if f.init} | {"return": None}
    init.__module__ = cls.__module__
    return init


def _add_frozen(cls: type, names: tuple[str, ...]) -> None:
    def __setattr__(self: Any, name: str, value: Any) -> None:
        if type(self) is cls or name in names:
            raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")
        super(cls, self).__setattr__(name, value)  # type: ignore[arg-type]  # mypy: "not a type"

    def __delattr__(self: Any, name: str) -> None:
        if type(self) is cls or name in names:
            raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")
        super(cls, self).__delattr__(name)  # type: ignore[arg-type]

    _as_method_of(cls, __setattr__)
    _as_method_of(cls, __delattr__)


def _signature_text(fields: tuple[dataclasses.Field[Any], ...]) -> str:
    """`str(inspect.signature(cls))` of the __init__ above, without its ` -> None`."""
    shown = []
    for f in fields:
        if not f.init:
            continue
        text = f"{f.name}: {inspect.formatannotation(f.type)}"
        if f.default is not dataclasses.MISSING:
            text += f" = {f.default!r}"
        elif f.default_factory is not dataclasses.MISSING:
            text += f" = {_FACTORY!r}"
        shown.append(text)
    return f"({', '.join(shown)})"


def _add_methods(cls: type, own: dict[str, Any], frozen: bool) -> None:
    """What `dataclasses.dataclass(repr=True, eq=True, frozen=frozen)` adds besides __init__."""
    fields = dataclasses.fields(cls)
    params = cls.__dataclass_params__  # type: ignore[attr-defined]
    params.repr = params.eq = True
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
