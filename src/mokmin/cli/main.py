"""Entry point of the ``mokmin`` command."""

from __future__ import annotations

import os
import sys

import typer

from mokmin.errors import MokminError

app = typer.Typer(
    name="mokmin",
    help="목민(Mokmin): 지방자치단체를 위한 온프레미스 생성형 AI 업무 도우미",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register() -> None:
    from mokmin.cli import (answer, audit, check, code, draft, feedback, kb, minwon, model, pii, proofread,
                            translate, web)

    app.add_typer(model.app, name="model")
    app.add_typer(draft.app, name="draft")
    app.add_typer(check.app, name="check")
    app.add_typer(kb.app, name="kb")
    app.add_typer(pii.app, name="pii")
    app.add_typer(audit.app, name="audit")
    app.add_typer(minwon.app, name="minwon")
    app.add_typer(feedback.app, name="feedback")
    app.add_typer(web.app, name="user")
    app.command("ask")(answer.ask)
    app.command("summarize")(answer.summarize)
    app.command("proofread")(proofread.proofread_command)
    app.command("translate")(translate.translate)
    app.command("rewrite")(translate.rewrite)
    app.command("code")(code.code)
    app.command("serve")(web.serve)


_register()


def run() -> None:
    """Run the CLI; expected failures print a message and a hint, never a traceback."""
    import logging

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # quirky PDFs are reported by our readers instead
    try:
        code = app(standalone_mode=False)  # returns typer.Exit's code instead of raising it
    except MokminError as exc:
        typer.secho(f"오류: {exc.message}", err=True, fg=typer.colors.RED)
        if exc.hint:
            typer.secho(f"→ {exc.hint}", err=True)
        if os.environ.get("MOKMIN_DEBUG"):
            raise
        sys.exit(2)
    except KeyboardInterrupt:
        typer.secho("중단했습니다.", err=True)
        sys.exit(130)
    except (typer.Abort, typer.Exit) as exc:
        sys.exit(getattr(exc, "exit_code", 1))
    except Exception as exc:
        # usage errors (bad option, missing argument) from click — or typer's vendored copy of it
        if callable(getattr(exc, "show", None)) and isinstance(getattr(exc, "exit_code", None), int):
            exc.show()
            sys.exit(exc.exit_code)
        raise
    if isinstance(code, int) and code:
        sys.exit(code)
