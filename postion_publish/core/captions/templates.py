"""Caption templates: Jinja2 in its sandbox, undefined names are errors that point at the line.
Every template, the default one too, is rendered by Jinja2: one way to read them, one set of errors."""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from postion_publish.core.errors import BadInput
from postion_publish.core.posts import Post

if TYPE_CHECKING:
    import jinja2

    from postion_publish.core.captions.bounded import BoundedEnvironment, RenderBounds

_FILENAME = "<template>"
_NOT_WORD = re.compile(r"[\W_]+")


@lru_cache(maxsize=1)
def _environment() -> BoundedEnvironment:
    import jinja2

    from postion_publish.core.captions.bounded import BoundedEnvironment

    # Sandboxed: templates come from front matter, which a pull request from anyone can change.
    return BoundedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=False)


@lru_cache(maxsize=256)
def _compile(text: str) -> tuple[jinja2.Template, RenderBounds | None]:
    """The template, and the bounds it renders within (None for a plain one): a template of only
    text and `{{ name }}` / `{{ meta.key }}` cannot amplify what it is given, and renders unguarded.
    Anything else (filters, operators, calls, statements) renders within bounds."""
    from jinja2 import nodes

    from postion_publish.core.captions.bounded import RenderBounds

    plain = (nodes.Template, nodes.Output, nodes.TemplateData, nodes.Name, nodes.Getattr, nodes.Getitem, nodes.Const)
    environment = _environment()
    tree = environment.parse(text)
    template = environment.from_string(tree)
    if all(isinstance(node, plain) for node in tree.find_all(nodes.Node)):
        return template, None
    return template, RenderBounds(loops=any(True for _ in tree.find_all((nodes.For, nodes.Macro, nodes.CallBlock))))


@lru_cache(maxsize=256)
def names_platform(text: str) -> bool:
    """Whether the template reads `platform` (or writes a `mention`, which each platform writes its
    own way): if not, one post's caption is the same text on every platform with the same excerpt,
    and is rendered once (`core.plan`)."""
    import jinja2
    from jinja2 import meta

    try:
        return bool({"platform", "mention"} & meta.find_undeclared_variables(_environment().parse(text)))
    except jinja2.TemplateSyntaxError:
        return True  # rendered each time, and the error said where it is


def hashtag(tag: str) -> str:
    """`static sites` → `#StaticSites`, `python` → `#python`: one word, no punctuation."""
    words = [word for word in _NOT_WORD.split(tag) if word]
    if len(words) > 1:
        return "#" + "".join(word[:1].upper() + word[1:] for word in words)
    return "#" + "".join(words)


@lru_cache(maxsize=1024)
def hashtags(tags: tuple[str, ...]) -> str:
    """Once per set of tags: a caption is rendered several times per platform while it is fitted."""
    return " ".join(tag for tag in (hashtag(t) for t in tags) if len(tag) > 1)


def template_context(post: Post, platform: str, excerpt: str | None = None) -> dict[str, Any]:
    return {
        "title": post.title,
        "excerpt": post.excerpt if excerpt is None else excerpt,
        "url": post.url,
        "tags": list(post.tags),
        "hashtags": hashtags(tuple(post.tags)),
        "date": post.date.date(),
        "author": post.author or "",
        "image": post.image or "",
        "meta": dict(post.meta),
        "platform": platform,
    }


def render(text: str, context: Mapping[str, Any], *, origin: str, file: str | None, first_line: int | None) -> str:
    """Render a template. Any error is a BadInput naming where the template was written and its line."""
    import jinja2

    from postion_publish.core.captions.bounded import TemplateTooCostly, render_bounded

    try:
        template, bounds = _compile(text)
        return template.render(context) if bounds is None else render_bounded(template, context, bounds)
    except TemplateTooCostly as error:
        raise _template_error(str(error), _failing_line(sys.exc_info()[2]), origin, file, first_line) from None
    except MemoryError:
        message = "the template needs more memory than a caption may take"
        raise _template_error(message, None, origin, file, first_line) from None
    except RecursionError:
        raise _template_error("the template calls itself too deeply", None, origin, file, first_line) from None
    except jinja2.TemplateSyntaxError as error:
        raise _template_error(error.message or "syntax error", error.lineno, origin, file, first_line) from None
    except jinja2.UndefinedError as error:
        line = _failing_line(sys.exc_info()[2])
        raise _template_error(_explain_undefined(error, context), line, origin, file, first_line) from None
    except jinja2.TemplateError as error:
        raise _template_error(str(error), _failing_line(sys.exc_info()[2]), origin, file, first_line) from None
    except (TypeError, ValueError, ArithmeticError, AttributeError, LookupError) as error:
        message = f"{error.__class__.__name__}: {error}"
        raise _template_error(message, _failing_line(sys.exc_info()[2]), origin, file, first_line) from None


def _explain_undefined(error: jinja2.UndefinedError, context: Mapping[str, Any]) -> str:
    known = ", ".join(sorted(name for name in context if name != "meta"))
    return f"{error.message}; known names: {known}, and meta.<front matter key>"


def _failing_line(trace: Any) -> int | None:
    line = None
    while trace is not None:
        if trace.tb_frame.f_code.co_filename == _FILENAME:
            line = trace.tb_lineno
        trace = trace.tb_next
    return line


def _template_error(
    message: str, template_line: int | None, origin: str, file: str | None, first_line: int | None
) -> BadInput:
    line = None
    if template_line is not None and first_line is not None:
        line = first_line + template_line - 1
    elif template_line is not None:
        message = f"{message} (line {template_line} of the template)"
    return BadInput(f"template error: {message}", file=file, line=line, key=origin)
