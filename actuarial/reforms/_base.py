"""What every reform is: a named, parameterised, dated change to a projection.

A reform acts at up to three points of a run, each from its effective ``year`` on:

1. :meth:`Reform.apply_inputs` changes the built model (the kernels' plain arrays, which
   are given by year, or a claims scheme's parameters) before any draw is run;
2. :meth:`Reform.apply_paths` changes a chunk's economic paths (a stress scenario's
   inflation or returns) before the kernels see them;
3. :meth:`Reform.apply_results` changes a chunk's results after the kernels (pooling and
   merging funds, budget-paid amounts, a fund's investment return) and re-settles the
   balances so that the balance identity still holds.

Reforms compose in the order they are listed: every reform's inputs step runs first, in
list order, then every paths step, then every results step. None of them draws from the
random streams the kernels use, so the draws of a scenario are those of the baseline
(common random numbers) and only the reforms' own effects differ.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from actuarial.projection import Model
    from actuarial.reforms._chunk import Chunk
    from actuarial.scenarios import EconomicPaths

__all__ = ["REGISTRY", "Reform", "ReformError", "register"]

#: First and last year a reform may take effect (the projection's base year, the end of
#: the UN WPP mortality projection).
FIRST_YEAR = 2013
LAST_YEAR = 2100


class ReformError(ValueError):
    """A reform that does not exist, or a parameter it does not have or cannot take."""


class Reform(BaseModel):
    """Base class: subclasses declare their parameters as pydantic fields (each with a
    ``description`` giving its unit and source) and override the hooks they need."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)

    #: Name used in TOML ``[[reforms]]`` tables and on the command line.
    name: ClassVar[str] = ""
    #: "reform" (the report's proposals, V.(2)) or "stress" (adverse scenarios).
    kind: ClassVar[Literal["reform", "stress"]] = "reform"
    #: One line: what it does and where it comes from.
    summary: ClassVar[str] = ""

    year: Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR)] = Field(
        default=2015,
        description="Effective year: the change applies from 1 January of this year on.",
    )

    # -- hooks, each a no-op by default ----------------------------------------------------

    def apply_inputs(self, model: Model, y0: int) -> Model:
        """Return ``model`` with its inputs changed from year index ``y0`` on (a new model,
        or this one changed in place: the model was built for this scenario alone)."""
        return model

    def apply_paths(self, paths: EconomicPaths, y0: int) -> EconomicPaths:
        """Return a chunk's economic paths changed from year index ``y0`` on."""
        return paths

    def apply_results(self, chunk: Chunk, y0: int) -> None:
        """Change a chunk's results in place from year index ``y0`` on; money moved into or
        out of a fund must keep the balance identity (see ``Chunk.resettle``)."""

    # -- description --------------------------------------------------------------------

    def params(self) -> dict[str, Any]:
        """The parameters, year included, as plain values (for TOML and attributes);
        parameters left at None (TOML has no null) are omitted."""
        return self.model_dump(mode="json", exclude_none=True)

    def label(self) -> str:
        """``name:year,key=value,...`` with the parameters that differ from their defaults
        (every required one included); it parses back to the same reform."""
        fields = type(self).model_fields
        parts = []
        for key, value in self.params().items():
            if key == "year":
                continue
            f = fields[key]
            if not f.is_required():
                default = f.get_default(call_default_factory=True)
                if _plain(default) == value:
                    continue
            parts.append(f"{key}={_fmt(value)}")
        return f"{self.name}:{self.year}" + ("," + ",".join(parts) if parts else "")


def _plain(value: Any) -> Any:
    """A default as ``params()`` shows values (JSON-like)."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def _fmt(v: Any) -> str:
    if isinstance(v, list):
        return "/".join(_fmt(x) for x in v)
    if isinstance(v, dict):
        return "{" + ";".join(f"{k}:{_fmt(x)}" for k, x in v.items()) + "}"
    return str(v)


#: Reform name -> class, filled by :func:`register` as the reform modules are imported.
REGISTRY: dict[str, type[Reform]] = {}


def register(cls: type[Reform]) -> type[Reform]:
    """Class decorator: make a reform selectable by its ``name``."""
    if not cls.name or cls.name in REGISTRY:
        raise RuntimeError(f"reform {cls.__name__}: name {cls.name!r} is empty or taken")
    REGISTRY[cls.name] = cls
    return cls
