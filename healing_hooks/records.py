"""`@dataclass` for the hook's own data classes, without the cost of the `dataclasses` module.

The hook is a new process after every command. The standard `dataclasses` imports `inspect` (and
with it `ast`, `dis`, `tokenize`) and builds each class's `__init__`, `__repr__` and `__eq__` as
source code that it compiles: on a failure that was ~60 classes, as many instructions as the whole
bare-Python baseline, twice over (measured with callgrind: `import dataclasses` 47 M instructions,
37 classes 67 M, against 69 M for `python -c "import json, re, sys"`).

Here the methods are shared functions that read the class's field list. They are slower per call
(a few microseconds per object, and the hook makes a few hundred objects at most), and the class
costs nothing to make. The subset of `dataclasses` this code base uses: `@dataclass` and
`@dataclass(frozen=True)` (fields in annotation order, defaults, `field(default=..., default_factory=
..., repr=..., compare=...)`), `replace`, `asdict` and `fields`. Type checkers see a dataclass
(PEP 681 `dataclass_transform`).
"""

from __future__ import annotations

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing on the hook's path
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, TypeVar, overload

    from typing_extensions import dataclass_transform  # pydantic's dependency; 3.10 lacks it

    T = TypeVar("T")

_MISSING = object()
FIELDS = "__record_fields__"
PLAN = "__record_plan__"


class FrozenInstanceError(AttributeError):
    """An attempt to change a field of a frozen record."""


class Field:
    """One field: its name, default (or factory), and whether repr and == use it."""

    __slots__ = ("compare", "default", "factory", "name", "repr")

    def __init__(
        self,
        default: object = _MISSING,
        factory: Callable[[], object] | None = None,
        repr: bool = True,
        compare: bool = True,
    ) -> None:
        self.name = ""
        self.default = default
        self.factory = factory
        self.repr = repr
        self.compare = compare


def field(
    *,
    default: Any = _MISSING,
    default_factory: Callable[[], Any] | None = None,
    repr: bool = True,
    compare: bool = True,
) -> Any:
    """A field with a default, a default factory, or left out of repr and ==."""
    return Field(default, default_factory, repr, compare)


def _make(cls: type, frozen: bool) -> type:
    own: list[Field] = []
    for name, annotation in cls.__dict__.get("__annotations__", {}).items():  # noqa: RUF063 (inspect)
        if str(annotation).startswith(("ClassVar", "typing.ClassVar")):
            continue
        value = cls.__dict__.get(name, _MISSING)
        spec = value if isinstance(value, Field) else Field(default=value)
        spec.name = name
        own.append(spec)
        if isinstance(value, Field):
            if spec.default is _MISSING:
                delattr(cls, name)
            else:
                setattr(cls, name, spec.default)
    setattr(cls, FIELDS, tuple(own))
    setattr(cls, PLAN, _Plan(tuple(own)))
    methods: dict[str, object] = {"__init__": _init, "__repr__": _repr, "__eq__": _eq}
    if frozen:
        methods |= {"__setattr__": _refuse, "__delattr__": _refuse, "__hash__": _hash}
    else:
        methods["__hash__"] = None  # as dataclasses: mutable and compared by value, so unhashable
    for name, method in methods.items():
        if name not in cls.__dict__ or (name == "__hash__" and cls.__dict__[name] is None):
            setattr(cls, name, method)  # what the class defines itself stays
    return cls


class _Plan:
    """What `__init__` needs of a record class, worked out once."""

    __slots__ = ("defaults", "factories", "names", "order")

    def __init__(self, specs: tuple[Field, ...]) -> None:
        self.order = tuple(spec.name for spec in specs)
        self.names = frozenset(self.order)
        self.defaults = {s.name: s.default for s in specs if s.factory is None and s.default is not _MISSING}
        self.factories = tuple((s.name, s.factory) for s in specs if s.factory is not None)


def _init(self: object, *args: object, **kwargs: object) -> None:
    cls = type(self)
    plan: _Plan = getattr(cls, PLAN)
    if args:
        if len(args) > len(plan.order):
            raise TypeError(f"{cls.__name__}() takes {len(plan.order)} arguments, {len(args)} given")
        given = dict(zip(plan.order, args))  # noqa: B905 (fewer arguments than fields is normal)
        if kwargs and not given.keys().isdisjoint(kwargs):
            raise TypeError(f"{cls.__name__}() got two values for {min(given.keys() & kwargs)!r}")
        values = {**plan.defaults, **given, **kwargs}
    else:
        values = {**plan.defaults, **kwargs}
    for name, factory in plan.factories:
        if name not in values:
            values[name] = factory()
    if len(values) != len(plan.order) or not values.keys() <= plan.names:
        _refuse_arguments(cls, values, plan)
    object.__setattr__(self, "__dict__", values)


def _refuse_arguments(cls: type, values: dict[str, object], plan: _Plan) -> None:
    unknown = sorted(values.keys() - plan.names)
    if unknown:
        raise TypeError(f"{cls.__name__}() got an unexpected keyword argument {unknown[0]!r}")
    missing = [name for name in plan.order if name not in values]
    raise TypeError(f"missing argument {missing[0]!r}")


def _repr(self: object) -> str:
    shown = (f"{s.name}={getattr(self, s.name)!r}" for s in getattr(type(self), FIELDS) if s.repr)
    return f"{type(self).__qualname__}({', '.join(shown)})"


def _compared(self: object) -> tuple[object, ...]:
    return tuple(getattr(self, s.name) for s in getattr(type(self), FIELDS) if s.compare)


def _eq(self: object, other: object) -> object:
    if other.__class__ is not self.__class__:
        return NotImplemented
    return bool(_compared(self) == _compared(other))


def _hash(self: object) -> int:
    return hash(_compared(self))


def _refuse(self: object, name: str, *value: object) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


if TYPE_CHECKING:

    @overload
    @dataclass_transform(field_specifiers=(field,))
    def dataclass(cls: type[T], /) -> type[T]: ...

    @overload
    @dataclass_transform(field_specifiers=(field,))
    def dataclass(*, frozen: bool = False) -> Callable[[type[T]], type[T]]: ...

    @dataclass_transform(field_specifiers=(field,))
    def dataclass(cls: type[T] | None = None, /, *, frozen: bool = False) -> Any: ...

else:

    def dataclass(cls=None, /, *, frozen=False):
        """`@dataclass` or `@dataclass(frozen=True)` on a class with annotated fields."""
        if cls is None:
            return lambda cls: _make(cls, frozen)
        return _make(cls, frozen)


def fields(record: object) -> tuple[Field, ...]:
    """The fields of a record class or instance, in order."""
    found: tuple[Field, ...] = getattr(record, FIELDS)
    return found


def replace(record: T, /, **changes: Any) -> T:
    """A copy of `record` with some fields changed."""
    values = {s.name: getattr(record, s.name) for s in fields(record)}
    values.update(changes)
    return type(record)(**values)


def asdict(record: object) -> dict[str, Any]:
    """The record as a dict, records inside it (in lists, tuples, dicts) turned into dicts too."""
    return {s.name: _plain(getattr(record, s.name)) for s in fields(record)}


def _plain(value: object) -> Any:
    if hasattr(type(value), FIELDS):
        return asdict(value)
    if isinstance(value, list | tuple):
        return type(value)(_plain(v) for v in value)
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    return value
