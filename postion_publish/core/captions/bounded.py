"""Rendering a template from an untrusted post within bounds of output, memory, ranges and time.

Jinja2's sandbox stops a template from reaching Python's internals, not from spending the runner:
`{{ 'a' * 3000000000 }}` asks for 3 GB, nested `range(100000)` loops for hours, and a fork's pull
request can write either into front matter. Each bound is enforced where the cost arises:
- operators: `*`, `**`, `+` and `%` are checked before they run (the sandbox's operator hook);
- ranges: at most MAX_RANGE numbers;
- output: rendering stops once it has produced MAX_OUTPUT characters;
- memory: on Linux an address-space limit a little above what the process holds is set while a
  template renders, so filters that amplify (`center`, `join`, `~` in a loop…) fail with a
  MemoryError instead of taking the machine;
- time: a template with loops or macros renders under a line tracer that stops it at MAX_SECONDS.
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from types import FrameType
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

MAX_OUTPUT = 100_000  # characters: far above any platform's limit, far below harm
MAX_RANGE = 10_000
MAX_SECONDS = 2.0
MEMORY_HEADROOM = 512 * 1024 * 1024  # bytes a render may add to the process
_CHECK_EVERY = 256  # trace events between two looks at the clock
_WIDE_FORMAT = re.compile(r"%[-#0 +]*(?:\*|\d{5,})|%[-#0 +]*\d*\.(?:\*|\d{5,})")


class TemplateTooCostly(Exception):
    """A template went past one of the bounds."""


@dataclass(frozen=True)
class RenderBounds:
    loops: bool  # the template has loops or macros: it renders under the deadline


def _size(value: Any) -> int | None:
    return len(value) if isinstance(value, str | bytes | list | tuple) else None


class BoundedEnvironment(SandboxedEnvironment):
    intercepted_binops = frozenset(["*", "**", "+", "%"])

    def __init__(self, **options: Any) -> None:
        # Jinja folds constant expressions while compiling, outside every bound here: `{{ 'x'|
        # center(3000000000) }}` would be built into the compiled source. Filters that take the
        # context are never folded, so every filter is wrapped as one, and the optimizer is off.
        super().__init__(optimized=False, **options)
        self.filters = {name: _at_render_time(function) for name, function in self.filters.items()}
        self.globals["range"] = bounded_range

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for sized, times in ((left, right), (right, left)):
                length = _size(sized)
                if length is not None and isinstance(times, int) and length * times > MAX_OUTPUT:
                    raise TemplateTooCostly(f"repeating a value {times:,} times makes more than {MAX_OUTPUT:,} items")
        elif operator == "**":
            if isinstance(right, int) and isinstance(left, int) and abs(left) > 1 and right > 1000:
                raise TemplateTooCostly("a power this large is not a caption")
        elif operator == "+":
            sizes = (_size(left), _size(right))
            if sizes[0] is not None and sizes[1] is not None and sizes[0] + sizes[1] > MAX_OUTPUT:
                raise TemplateTooCostly(f"joining these makes more than {MAX_OUTPUT:,} items")
        elif operator == "%" and isinstance(left, str) and _WIDE_FORMAT.search(left):
            raise TemplateTooCostly("a format width this large is not a caption")
        return super().call_binop(context, operator, left, right)


def _at_render_time(function: Any) -> Any:
    kind = getattr(function, "jinja_pass_arg", None)  # Jinja's mark for filters that take more
    if kind is not None and kind.name == "context":
        return function

    @jinja2.pass_context
    def call(context: jinja2.runtime.Context, *args: Any, **kwargs: Any) -> Any:
        if kind is None:
            return function(*args, **kwargs)
        first = context.eval_ctx if kind.name == "eval_context" else context.environment
        return function(first, *args, **kwargs)

    return call


def bounded_range(*args: int) -> range:
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise TemplateTooCostly(f"range() is limited to {MAX_RANGE:,} numbers in a caption template")
    return numbers


def render_bounded(template: jinja2.Template, context: Mapping[str, Any], bounds: RenderBounds) -> str:
    pieces: list[str] = []
    produced = 0
    with _memory_cap(), _deadline(MAX_SECONDS) if bounds.loops else nullcontext():
        for piece in template.generate(context):
            produced += len(piece)
            if produced > MAX_OUTPUT:
                raise TemplateTooCostly(f"the template renders more than {MAX_OUTPUT:,} characters")
            pieces.append(piece)
    return "".join(pieces)


@contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """Stop the code run inside after `seconds`: a line tracer looks at the clock now and then.
    Loops with an empty body still produce line events, so no template can spin unseen."""
    stop_at = time.monotonic() + seconds
    events = 0

    def trace(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal events
        events += 1
        if events % _CHECK_EVERY == 0 and time.monotonic() > stop_at:
            raise TemplateTooCostly(f"the template took longer than {seconds:g} s to render")
        return trace

    previous = sys.gettrace()
    sys.settrace(trace)
    try:
        yield
    finally:
        sys.settrace(previous)


@contextmanager
def _memory_cap() -> Iterator[None]:
    """An address-space limit of what the process holds now plus MEMORY_HEADROOM (Linux only:
    elsewhere the operator checks and the output bound still apply)."""
    try:
        import resource

        with open("/proc/self/statm", "rb") as statm:
            held = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (ImportError, OSError, ValueError):
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = held + MEMORY_HEADROOM
    if soft != resource.RLIM_INFINITY and soft <= cap:
        yield  # already limited more tightly
        return
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
