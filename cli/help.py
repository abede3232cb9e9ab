"""Help in Russian, including the parts of `--help` that Typer and click write themselves.

The commands' own help is written in Russian where they are defined; what is left
is the frame around it: the `--help` option's line, the panel titles, the
`[required]` mark, `<bool>` after every flag and `<int range> [1<=x<=...]` after
every id. ``localize`` fixes these on the click tree that Typer builds for a run,
so a command added later gets them too.
"""

from __future__ import annotations

from typing import Any

from typer._click import core as click_core

HELP_OPTION_HELP = "Показать эту справку и выйти."


def localize(command: click_core.Command) -> click_core.Command:
    """Make every command's help frame Russian and show flags as flags; return ``command``."""
    _localize(command)
    return command


def _localize(command: click_core.Command) -> None:
    if command.options_metavar:
        command.options_metavar = "[ПАРАМЕТРЫ]"
    if hasattr(command, "subcommand_metavar"):
        command.subcommand_metavar = "КОМАНДА [АРГУМЕНТЫ]..."
    help_option = command.get_help_option(click_core.Context(command))
    if help_option is not None:
        help_option.help = HELP_OPTION_HELP
    for param in [*command.params, *([help_option] if help_option else [])]:
        if getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""  # a flag takes no value: no `<bool>` after it
        if param.param_type_name == "argument":
            # The name column already shows the metavar (ДАТА, ID); Typer would add `<str>`.
            setattr(param, "display_type_rich", _no_type)  # noqa: B010
    original = command.format_help
    usage = command.get_usage
    setattr(command, "get_usage", lambda ctx: usage(ctx).replace("Usage:", "Вызов:", 1))  # noqa: B010

    def format_help(ctx: Any, formatter: Any) -> None:
        russian_frame()
        original(ctx, formatter)

    setattr(command, "format_help", format_help)  # noqa: B010
    for sub in getattr(command, "commands", {}).values():
        _localize(sub)


def _no_type(ctx: Any) -> None:
    return None


def russian_frame() -> None:
    """Set the words Typer's rich help prints around the commands' own text.

    Imported only when help is shown: `typer.rich_utils` costs half a second.
    """
    from typer import rich_utils

    rich_utils.ARGUMENTS_PANEL_TITLE = "Аргументы"
    rich_utils.OPTIONS_PANEL_TITLE = "Параметры"
    rich_utils.COMMANDS_PANEL_TITLE = "Команды"
    rich_utils.REQUIRED_LONG_STRING = "[обязательный]"
    rich_utils.DEFAULT_STRING = "[по умолчанию: {}]"
    rich_utils.ENVVAR_STRING = "[переменная окружения: {}]"
    rich_utils.DEPRECATED_STRING = "(устарело) "
    # Ranges such as [1<=x<=9223372036854775807] say nothing to a person; an id is an ID.
    rich_utils.RANGE_STRING = ""
