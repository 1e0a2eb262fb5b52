"""What a user can choose, explained from the typed config itself: help that is never stale.

Each key of a config dataclass (a lever in ``sim/config/levers.py``, the run settings of
``RunConfig``, a world's ``WorldConfig``) is described by reading its source once: the
type and default from the dataclass, the sentence from the field's trailing comment (or
the comment block above it, or the class docstring's sentence naming it in double
backticks), the allowed range from the ``check_range`` / ``check_choice`` calls of its
``__post_init__``, and the unit from the words of the comment (``USD m``, ``quarter``,
``share`` ...). Worlds, scenarios and sweep presets are listed from their files (packaged
``configs/`` and the folders of ``ALLIANCESIM_CONFIG``) with the first sentence of each
file's opening comment. ``alliancesim --help`` prints the overview;
``alliancesim-describe NAME`` one world, scenario, sweep preset or lever in full.
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import functools
import inspect
import io
import os
import re
import sys
import textwrap
import tokenize
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import yaml

from sim.config.checks import ConfigError
from sim.config.compose import (
    CONFIG_DIR,
    USER_CONFIG_ENV,
    USER_GROUPS,
    user_config_dirs,
    user_configs,
)
from sim.config.levers import LeverWindow, lever_fields
from sim.config.schema import RunConfig, WorldConfig, joint_bounds
from sim.config.versions import VERSION_1_ONLY

CHECKS = ("check_range", "check_choice", "check_weights", "check_unique", "check_plain_name")
PAIR = re.compile(r"``\[(\w+), (\w+)\]``")
PER_QUARTER = re.compile(r"/quarter|(?:per|a|each) quarter\b")


@dataclass(frozen=True)
class Key:
    """One config key, as its source describes it.

    Attributes:
        name: The field name.
        kind: Its type, as written (``int``, ``float``, ``list[str]`` ...).
        default: Its default value, as YAML would show it.
        unit: Its unit, read from the comment's words ("" when the source states none).
        allowed: The allowed values, from the ``__post_init__`` checks ("" when none).
        about: The sentence of the source comment or docstring ("" when none).
    """

    name: str
    kind: str
    default: str
    unit: str
    allowed: str
    about: str


@functools.cache
def _source(cls: type) -> tuple[ast.ClassDef, dict[int, str], tuple[str, ...]]:
    """The class's syntax tree, its comments by line, and its source lines."""
    text = textwrap.dedent(inspect.getsource(cls))
    tree = ast.parse(text).body[0]
    assert isinstance(tree, ast.ClassDef)
    tokens = tokenize.generate_tokens(io.StringIO(text).readline)
    comments = {
        t.start[0]: t.string.lstrip("#").strip() for t in tokens if t.type == tokenize.COMMENT
    }
    return tree, comments, tuple(text.splitlines())


def _defining(cls: type, name: str) -> type | None:
    """The class of ``cls``'s MRO whose own body declares the field ``name``."""
    for klass in cls.__mro__:
        if name in inspect.get_annotations(klass):
            return klass
    return None


def comment_of(cls: type, name: str) -> str:
    """The field's trailing comment, else the comment block above it, else its docstring."""
    klass = _defining(cls, name) or cls
    tree, comments, lines = _source(klass)
    for stmt in tree.body:
        if not (isinstance(stmt, ast.AnnAssign) and getattr(stmt.target, "id", "") == name):
            continue
        end = stmt.end_lineno or stmt.lineno
        if end in comments and not lines[end - 1].lstrip().startswith("#"):
            return comments[end]
        above: list[str] = []
        line = stmt.lineno - 1
        while line in comments and lines[line - 1].lstrip().startswith("#"):
            above.insert(0, comments[line])
            line -= 1
        if above:
            return " ".join(above)
    doc = " ".join((inspect.getdoc(klass) or "").split())
    sentences = re.split(r"(?<=[.!?])\s+", doc)
    return next((s for s in sentences if f"``{name}``" in s), "")


def _bound(expr: ast.expr, scope: dict[str, Any]) -> str:
    """A bound of a check as text: evaluated when constant, else as written (``start + 1``)."""
    names = {n.id for n in ast.walk(expr) if isinstance(n, ast.Name)}
    plain = (ast.Constant, ast.Name, ast.Load, ast.BinOp, ast.UnaryOp, ast.operator, ast.unaryop)
    if names <= set(scope) and all(isinstance(n, plain) for n in ast.walk(expr)):
        value = eval(compile(ast.Expression(expr), "<bound>", "eval"), {**scope})
        return f"{value:g}" if isinstance(value, float) else str(value)
    return ast.unparse(expr).replace("self.", "")


def _checks(
    body: Sequence[ast.stmt], scope: dict[str, Any], bound: dict[str, str], out: dict[str, str]
) -> None:
    """Read the check calls of a ``__post_init__`` body into ``out`` (key -> allowed)."""
    for stmt in body:
        if isinstance(stmt, ast.For) and isinstance(stmt.target, ast.Name):
            names = stmt.iter.elts if isinstance(stmt.iter, ast.Tuple) else []
            for item in names:
                if isinstance(item, ast.Constant):
                    _checks(stmt.body, scope, {**bound, stmt.target.id: str(item.value)}, out)
        elif isinstance(stmt, ast.If | ast.With):
            _checks([*stmt.body, *getattr(stmt, "orelse", [])], scope, bound, out)
        elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            call = stmt.value
            func = getattr(call.func, "id", "")
            if func == "check_order" and len(call.args) >= 3:
                _order(call, out)
                continue
            if func not in CHECKS or len(call.args) < 2:
                continue
            arg = call.args[1]
            key = arg.value if isinstance(arg, ast.Constant) else bound.get(getattr(arg, "id", ""))
            if isinstance(key, str):
                out[key] = _allowed(func, [_bound(a, scope) for a in call.args[2:]], scope)


def _order(call: ast.Call, out: dict[str, str]) -> None:
    """``check_order(self, low, high, strict)``: each key bounded by the other, if unbounded."""
    low, high = (getattr(a, "value", None) for a in call.args[1:3])
    if not (isinstance(low, str) and isinstance(high, str)):
        return
    flags = [*call.args[3:], *(k.value for k in call.keywords if k.arg == "strict")]
    strict = bool(flags) and getattr(flags[0], "value", False) is True
    out.setdefault(low, f"{'<' if strict else '<='} {high}")
    out.setdefault(high, f"{'>' if strict else '>='} {low}")


def _allowed(func: str, bounds: list[str], scope: dict[str, Any]) -> str:
    """The allowed values a check call states."""
    if func == "check_range":
        low, high = [*bounds, "", ""][:2]
        if low and high:
            return f"{low} to {high}"
        return f">= {low}" if low else f"<= {high}"
    if func == "check_choice":
        return f"one of {', '.join(bounds[0].strip('()').replace(chr(39), '').split(', '))}"
    if func == "check_weights":
        return f"{bounds[0]} weights >= 0, sum > 0"
    return {"check_unique": "each at most once", "check_plain_name": "a plain name"}[func]


def allowed_of(cls: type) -> dict[str, str]:
    """Each checked key of ``cls`` and the values its ``__post_init__`` checks allow."""
    out: dict[str, str] = {}
    for klass in reversed(cls.__mro__):  # a subclass's checks refine its base's
        if "__post_init__" not in klass.__dict__:
            continue
        tree, _, _ = _source(klass)
        scope = vars(sys.modules[klass.__module__])
        for stmt in tree.body:
            if isinstance(stmt, ast.FunctionDef) and stmt.name == "__post_init__":
                _checks(stmt.body, scope, {}, out)
    return out


def unit_of(cls: type, name: str, kind: str, about: str, allowed: str) -> str:
    """The unit a field's comment states, by its words (the base class's if it says none)."""
    words = f"{name.replace('_', ' ')} {about}".lower()
    per_quarter = " a quarter" if PER_QUARTER.search(about) else ""
    money = re.search(r"usd m\b(?: (?:per|a) quarter)?", about.lower())
    pair = PAIR.search(about)
    unit = ""
    if kind == "bool":
        unit = "true/false"
    elif allowed.startswith("one of"):
        unit = "choice"
    elif kind == "str":
        unit = "text"
    elif kind == "list[str]":
        unit = "names"
    elif money:
        unit = "USD m a quarter" if " quarter" in money.group(0) else "USD m"
    elif pair:
        unit = f"[{pair.group(1)}, {pair.group(2)}] pairs"
    elif "probability" in words:
        unit = f"probability{per_quarter}"
    elif "share" in words:
        unit = f"share (0-1){per_quarter}"
    elif "quarter" in words and "int" in kind:
        unit = "quarters"
    elif "utility" in words:
        unit = "utility"
    elif re.search(r"\brate\b", words):
        unit = f"rate{per_quarter}"
    elif re.match(r"0 [^,]+, 1 ", about):
        unit = "scale 0-1"
    elif re.search(r"\b(firms|members|startups|conglomerates)\b", words) and kind == "int":
        unit = "firms"
    elif re.search(r"\bindex\b", words):
        unit = "index"
    base = next((b for b in cls.__mro__[1:] if name in getattr(b, "__annotations__", {})), None)
    if not unit and base is not None and dataclasses.is_dataclass(base):
        return next((k.unit for k in keys_of(base) if k.name == name), "")
    return unit


def _kind(hint: Any) -> str:
    """A type hint as written in the source (``int``, ``list[str]``)."""
    return hint.__name__ if isinstance(hint, type) else str(hint).replace("typing.", "")


def _default(f: dataclasses.Field[Any]) -> str:
    """A field's default as YAML flow text."""
    factory: Any = f.default_factory
    value = factory() if f.default is dataclasses.MISSING else f.default
    return yaml.safe_dump(value, default_flow_style=True, width=10**6).strip().removesuffix("...")


def keys_of(cls: type, path: str = "") -> list[Key]:
    """Every plain field of a config dataclass, described (nested dataclasses left out).

    ``path`` is the dotted prefix of the class's keys in the run config
    (``scenario.mega_alliance.``): a key only version 1 reads (``versions.VERSION_1_ONLY``)
    then says so first, so nobody sweeps a key the default economics ignores.
    """
    hints = typing.get_type_hints(cls)
    allowed = allowed_of(cls)
    joint = joint_bounds() if path else {}
    keys: list[Key] = []
    for f in dataclasses.fields(cls):
        kinds = typing.get_args(hints[f.name]) or (hints[f.name],)
        if any(isinstance(k, type) and dataclasses.is_dataclass(k) for k in kinds):
            continue
        kind, about = _kind(hints[f.name]), comment_of(cls, f.name)
        if path and f"{path}{f.name}" in VERSION_1_ONLY:
            about = f"version 1 only (model.economics=v2 does not read it): {about}"
        rule = allowed.get(f.name, "")
        unit = unit_of(cls, f.name, kind, about, rule)
        if f"{path}{f.name}" in joint:  # bounded with another group's keys too
            rule = f"{rule} {joint[f'{path}{f.name}']}"
        keys.append(Key(f.name, kind, _default(f).strip(), unit, rule, about))
    return keys


def levers() -> dict[str, type[LeverWindow]]:
    """The levers a scenario may pull: ``ScenarioConfig``'s lever keys and their classes."""
    return lever_fields()


def search_folders() -> list[Path]:
    """The packaged configs, then the user's folders (``ALLIANCESIM_CONFIG``)."""
    users = [Path(f) for f in os.environ.get(USER_CONFIG_ENV, "").split(os.pathsep) if f]
    return [CONFIG_DIR, *users]


def header(file: Path) -> str:
    """The opening comment of a config file, as one paragraph (``@package`` lines left out)."""
    lines: list[str] = []
    for line in file.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        text = line.lstrip("#").strip()
        if not text.startswith("@package"):
            lines.append(text)
    return " ".join(" ".join(lines).split())


def summary(file: Path) -> str:
    """The first sentence of a config file's opening prose (examples, indented, left out)."""
    prose: list[str] = []
    for line in file.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#") or line.startswith("#  "):
            break
        if not line.lstrip("#").strip().startswith("@package"):
            prose.append(line.lstrip("#").strip())
    return brief(" ".join(prose))


def brief(text: str, width: int = 110) -> str:
    """The first sentence of a paragraph, cut to about ``width`` characters."""
    first = re.split(r"(?<=[.?!])\s+(?=[A-Z`(])", " ".join(text.split()), maxsplit=1)[0]
    return first if len(first) <= width else first[:width].rsplit(" ", 1)[0] + " ..."


def options(group: str) -> dict[str, Path]:
    """The options of a config group (``scenario``, ``world``, ``sweep``) and their files."""
    found: dict[str, Path] = {}
    for folder in search_folders():
        for file in sorted((folder / group).glob("*.yaml")):
            found.setdefault(file.stem, file)
    return dict(sorted(found.items()))


def key_table(
    keys: Sequence[Key], prefix: str, indent: str = "  ", short: bool = False
) -> list[str]:
    """Keys as lines: name, type, default, unit and range, then the sentence below.

    Args:
        keys: The keys.
        prefix: Put before each name (``scenario.subsidy.``).
        indent: Put before each line.
        short: Only the first sentence of each description, cut to a line.
    """
    lines: list[str] = []
    for k in keys:
        facts = [k.kind, f"default {k.default}"]
        facts += [k.unit] if k.unit else ["unit not stated"]
        facts += [f"allowed {k.allowed}"] if k.allowed else []
        lines.append(f"{indent}{prefix}{k.name}  ({'; '.join(facts)})")
        about = brief(k.about) if short else k.about
        lines.append(f"{indent}    {about or '(no description in the source)'}")
    return lines


def overview() -> str:
    """Worlds, scenarios, sweep presets and levers (with every key), as ``--help`` shows."""
    out: list[str] = []
    titles = {
        "world": "Worlds (world=NAME)",
        "scenario": "Scenarios (scenario=NAME)",
        "sweep": "Sweep presets (sweep=NAME)",
    }
    for group in USER_GROUPS[1::-1] + USER_GROUPS[2:]:
        out.append(f"{titles[group]}:")
        for name, file in options(group).items():
            mine = "" if file.is_relative_to(CONFIG_DIR) else f" [{file.parent.parent}]"
            out.append(f"  {name:<24}{summary(file)}{mine}")
        out.append("")
    out.append("Run settings (key=VALUE):")
    out += key_table(keys_of(RunConfig), "", short=True)
    out.append("")
    out.append(
        "Levers (in a scenario file, or scenario.LEVER.KEY=VALUE for a lever the scenario "
        "uses; alliancesim-describe LEVER for more). Quarters are steps: step 0 is Q1 of "
        "world.start_year (2024Q1 in korea_2024), so 2026Q1 is 8:"
    )
    for name, cls in levers().items():
        out.append(f"  {name}: {brief(cls.__doc__ or '')}")
        out += key_table(keys_of(cls, f"scenario.{name}."), "", "    ", short=True)
    return "\n".join(out)


def describe_file(group: str, name: str, file: Path) -> list[str]:
    """A world, scenario or sweep preset: its file, its opening comment, what it sets."""
    parts = [f"{group} {name} ({file})", f"  {header(file)}"]
    content = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    if group == "world":
        parts.append("  keys (world.KEY=VALUE):")
        parts += key_table(keys_of(WorldConfig), "world.", "    ")
    for lever, cls in levers().items():
        if (
            group == "scenario"
            and isinstance(content, dict)
            and isinstance(content.get(lever), dict)
        ):
            parts.append(f"  pulls lever {lever} (alliancesim-describe lever/{lever}):")
            keys = {k.name: k for k in keys_of(cls)}
            for key, value in content[lever].items():
                facts = [f"default {keys[key].default}", keys[key].unit] if key in keys else []
                note = f" ({'; '.join(f for f in facts if f)})" if facts else ""
                parts.append(f"    {key}: {value}{note}")
    return parts


def describe(name: str) -> str:
    """One world, scenario, sweep preset or lever in full (``group/NAME`` picks a kind).

    Raises:
        ConfigError: No world, scenario, sweep preset or lever has that name.
    """
    kind, _, bare = name.rpartition("/")
    parts: list[str] = []
    for group in USER_GROUPS:
        file = options(group).get(bare)
        if file is not None and kind in ("", group):
            parts += describe_file(group, bare, file)
    lever = levers().get(bare)
    if lever is not None and kind in ("", "lever"):
        parts.append(f"lever {bare}: {' '.join((lever.__doc__ or '').split())}")
        parts += key_table(keys_of(lever, f"scenario.{bare}."), f"scenario.{bare}.")
    if not parts:
        known = [f"{g}/{n}" for g in USER_GROUPS for n in options(g)]
        known += [f"lever/{n}" for n in levers()]
        raise ConfigError(f"{name!r} names nothing to describe; allowed: {', '.join(known)}")
    return "\n".join(parts)


def main(argv: Sequence[str] | None = None) -> int:
    """``alliancesim-describe [--config-dir DIR] [NAME]``; the exit status (2: a bad name)."""
    parser = argparse.ArgumentParser(
        prog="alliancesim-describe",
        description="Describe the worlds, scenarios, sweep presets and levers alliancesim "
        "knows, with every lever key's type, default, unit, allowed range and meaning.",
    )
    parser.add_argument("name", nargs="?", help="a world, scenario, sweep or lever (or kind/NAME)")
    parser.add_argument("--config-dir", action="append", default=[], metavar="DIR")
    args = parser.parse_args(argv)
    try:
        with user_configs(user_config_dirs(args.config_dir)):
            print(describe(args.name) if args.name else overview())
    except ConfigError as error:
        print(f"alliancesim-describe: error: {error}", file=sys.stderr)
        return 2
    return 0


def entry() -> NoReturn:
    """Console-script entry point."""
    sys.exit(main())
