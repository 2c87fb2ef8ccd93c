"""`lean_dataclass.dataclass` behaves as `dataclasses.dataclass`: the same class made by each, the
same answers from repr, ==, hash, replace, fields and frozen assignment."""

from __future__ import annotations

import dataclasses
import inspect
import itertools
from collections.abc import Callable
from typing import Any, ClassVar

import pytest

from postion_publish import lean_dataclass

Decorator = Callable[..., Any]
DECORATORS = {"standard": dataclasses.dataclass, "lean": lean_dataclass.dataclass}


def classes(decorate: Decorator, frozen: bool) -> dict[str, type]:
    """The same class bodies, made by `decorate`: every kind of field and of own method."""

    @decorate(frozen=frozen)
    class Fields:
        name: str
        count: int = 0
        tags: tuple[str, ...] = ()
        hidden: str = dataclasses.field(default="h", repr=False)
        ignored: int = dataclasses.field(default=0, compare=False)
        unhashed: int = dataclasses.field(default=0, hash=False)
        hashed_only: int = dataclasses.field(default=0, compare=False, hash=True)
        made: list[int] = dataclasses.field(default_factory=list, compare=False, hash=False)
        later: int = dataclasses.field(default=7, init=False)
        shared: ClassVar[int] = 3

    @decorate(frozen=frozen)
    class Child(Fields):
        extra: str = "x"

    @decorate(frozen=frozen)
    class Empty:
        pass

    @decorate(frozen=frozen)
    class OwnMethods:
        value: int

        def __repr__(self) -> str:
            return "mine"

        def __eq__(self, other: object) -> bool:
            return True

        def __hash__(self) -> int:
            return 42

    @decorate(frozen=frozen)
    class OwnEqOnly:
        value: int

        def __eq__(self, other: object) -> bool:
            return isinstance(other, OwnEqOnly)

    @decorate(frozen=frozen)
    class Holder:
        items: list[Any]

    return {
        "Fields": Fields,
        "Child": Child,
        "Empty": Empty,
        "OwnMethods": OwnMethods,
        "OwnEqOnly": OwnEqOnly,
        "Holder": Holder,
    }


def instances(made: dict[str, type]) -> list[Any]:
    fields, child = made["Fields"], made["Child"]
    holder = made["Holder"]([1])
    holder.items.append(holder)  # a recursive repr
    return [
        fields("a"),
        fields("a", 1, ("t",), "other", 5, 6, 7),
        fields("a", hashed_only=9),
        fields("a", ignored=5),  # equal to the first: only a field out of comparisons differs
        fields("b", made=[1, 2]),
        child("a"),
        child("a", extra="y"),
        made["Empty"](),
        made["OwnMethods"](1),
        made["OwnEqOnly"](2),
        holder,
        "not a dataclass",
    ]


def behaviour(value: Any) -> dict[str, Any]:
    try:
        hashed: Any = hash(value)
    except TypeError as error:
        hashed = f"TypeError: {error}"
    return {"repr": repr(value), "hash": hashed}


@pytest.mark.parametrize("frozen", [False, True])
def test_the_lean_dataclass_behaves_as_the_standard_one(frozen: bool) -> None:
    standard = instances(classes(DECORATORS["standard"], frozen))
    lean = instances(classes(DECORATORS["lean"], frozen))
    for one, other in zip(standard, lean, strict=True):
        assert behaviour(one) == behaviour(other)
        if dataclasses.is_dataclass(one) and not isinstance(one, type):
            assert [f.name for f in dataclasses.fields(one)] == [f.name for f in dataclasses.fields(other)]
            assert type(one).__match_args__ == type(other).__match_args__  # type: ignore[attr-defined]
            assert (type(one).__hash__ is None) == (type(other).__hash__ is None)
            if getattr(one, "items", None) is None:  # not the recursive one
                assert dataclasses.asdict(one) == dataclasses.asdict(other)
                assert repr(dataclasses.replace(one)) == repr(dataclasses.replace(other))
            for target in (one, other) if frozen and dataclasses.fields(one) else ():
                with pytest.raises(dataclasses.FrozenInstanceError):
                    setattr(target, dataclasses.fields(one)[0].name, 1)
    # Every pair compares alike: equal, unequal, NotImplemented against another class.
    for (a, b), (c, d) in zip(itertools.product(standard, repeat=2), itertools.product(lean, repeat=2), strict=True):
        assert (a == b) == (c == d), (a, b)
        assert (a != b) == (c != d), (a, b)


def test_its_methods_are_named_as_the_class_s_own() -> None:
    @lean_dataclass.dataclass(frozen=True)
    class Point:
        x: int

    assert Point.__repr__.__qualname__.endswith("Point.__repr__")
    assert Point.__eq__.__qualname__.endswith("Point.__eq__")
    assert {Point(1), Point(1), Point(2)} == {Point(1), Point(2)}


def made_by_both(body: Callable[[Decorator], type]) -> tuple[type, type]:
    return body(DECORATORS["standard"]), body(DECORATORS["lean"])


def outcome(call: Callable[[], Any]) -> str:
    try:
        return repr(call())
    except (TypeError, ValueError, AttributeError, dataclasses.FrozenInstanceError) as error:
        return f"{type(error).__name__}: {error}"


@pytest.mark.parametrize("frozen", [False, True])
def test_the_classes_are_made_alike(frozen: bool) -> None:
    standard, lean = classes(DECORATORS["standard"], frozen), classes(DECORATORS["lean"], frozen)
    for name in standard:
        one, other = standard[name], lean[name]
        assert one.__doc__ == other.__doc__, name
        assert str(inspect.signature(one)) == str(inspect.signature(other)), name
        assert repr(one.__dataclass_params__) == repr(other.__dataclass_params__), name  # type: ignore[attr-defined]
        assert one.__init__.__qualname__ == other.__init__.__qualname__, name  # type: ignore[misc]
        assert one.__init__.__annotations__ == other.__init__.__annotations__, name  # type: ignore[misc]


@pytest.mark.parametrize("frozen", [False, True])
def test_init_takes_and_refuses_the_same_arguments(frozen: bool) -> None:
    one, other = (made["Fields"] for made in (classes(d, frozen) for d in DECORATORS.values()))
    calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = [
        ((), {}),
        (("a",), {}),
        (("a", 1, ("t",), "h", 2, 3, 4, [5], 6), {}),  # one too many: `later` is no parameter
        (("a",), {"later": 1}),
        (("a",), {"nope": 1}),
        (("a",), {"name": "b"}),
        ((), {"name": "a", "made": [1]}),
    ]
    for args, kwargs in calls:
        assert outcome(lambda a=args, k=kwargs: one(*a, **k)) == outcome(lambda a=args, k=kwargs: other(*a, **k)), args
    first, second = one("a"), other("a")
    assert first.made is not one("a").made and second.made is not other("a").made  # a new list each time
    for target in (first, second) if frozen else ():
        assert outcome(lambda t=target: delattr(t, "name")) == "FrozenInstanceError: cannot delete field 'name'"
        assert outcome(lambda t=target: setattr(t, "other", 1)) == "FrozenInstanceError: cannot assign to field 'other'"
    assert outcome(lambda: dataclasses.replace(first, later=1)) == outcome(lambda: dataclasses.replace(second, later=1))


def test_post_init_factories_and_own_init_are_kept() -> None:
    def body(decorate: Decorator) -> type:
        @decorate(frozen=True)
        class Made:
            self: int  # a field named `self`
            seen: list[str] = dataclasses.field(default_factory=list, init=False)

            def __post_init__(self) -> None:
                self.seen.append("post_init")
                object.__setattr__(self, "doubled", self.self * 2)

        return Made

    for made in made_by_both(body):
        value = made(self=2)
        assert (value.self, value.seen, value.doubled) == (2, ["post_init"], 4)

    def own_init(decorate: Decorator) -> type:
        @decorate
        class Own:
            x: int

            def __init__(self) -> None:
                self.x = 5

        return Own

    assert [made().x for made in made_by_both(own_init)] == [5, 5]


def test_the_standard_errors_and_the_classes_it_makes_itself() -> None:
    def late_default(decorate: Decorator) -> type:
        @decorate
        class Late:
            a: int = 1
            b: int  # type: ignore[misc]

        return Late

    def frozen_setattr(decorate: Decorator) -> type:
        @decorate(frozen=True)
        class Guarded:
            a: int

            def __setattr__(self, name: str, value: Any) -> None: ...

        return Guarded

    for body in (late_default, frozen_setattr):
        errors = []
        for decorate in DECORATORS.values():
            with pytest.raises(TypeError) as caught:
                body(decorate)
            errors.append(str(caught.value))
        assert errors[0] == errors[1]

    def with_initvar(decorate: Decorator) -> type:
        @decorate
        class Scaled:
            x: int
            factor: dataclasses.InitVar[int] = 2

            def __post_init__(self, factor: int) -> None:
                self.x *= factor

        return Scaled

    assert [made(3).x for made in made_by_both(with_initvar)] == [6, 6]
