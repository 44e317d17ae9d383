"""The requirement policy: which measures each kind of step or party must declare.

Policy is data (``piflow/data/policy.yaml``).  A user policy file has the same
shape and is merged over the default: same id replaces, new id adds,
``disable`` removes.  Conditions (``when``) are matched against the facts the
audit computes for each subject (see ``piflow.audit.facts``).
"""

from __future__ import annotations

from functools import cache, cached_property
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from piflow import bundled
from piflow.catalog import Catalog, default_catalog
from piflow.diagnostics import Diagnostic, InputError, located
from piflow.inputfile import read_bytes
from piflow.pack import pack_folder, policy_file_in
from piflow.yamlsource import decode, parse

Severity = Literal["error", "warning", "info"]

# Facts a condition may test, with the values they take (documented in docs/audit.md).
STEP_FACTS = {"channel", "channel_class", "medium", "data_class", "cross_party", "carries_data",
              "involves_subject", "from_role", "to_role", "basis"}
PARTY_FACTS = {"role", "holds_data", "receives_data", "has_subcontractor", "operates_systems",
               "connected_or_cloud", "basis", "zone"}


class Requirement(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[A-Z][A-Z0-9]*[0-9]+$")
    name: str
    title: str
    title_en: str = ""
    subject: Literal["step", "party"]
    when: dict[str, bool | str | list[str]] = Field(default_factory=dict)
    requires: tuple[str, ...] = Field(min_length=1)
    where: tuple[Literal["step", "sender", "receiver", "self", "ward"], ...] = ()
    severity: Severity = "error"
    why: str = ""
    why_en: str = ""

    @field_validator("when")
    @classmethod
    def _known_facts(cls, when: dict, info) -> dict:
        subject = info.data.get("subject")
        allowed = STEP_FACTS if subject == "step" else PARTY_FACTS
        unknown = sorted(set(when) - allowed)
        if unknown:
            raise ValueError(f"unknown fact(s) {unknown} for subject {subject}; allowed: {sorted(allowed)}")
        return when

    @cached_property
    def conditions(self) -> tuple[tuple[str, bool | frozenset[str]], ...]:
        """``when`` compiled once: a flag, or the set of values any of which will do."""
        return tuple((name, w if isinstance(w, bool) else frozenset([w] if isinstance(w, str) else w))
                     for name, w in self.when.items())

    @property
    def locations(self) -> tuple[str, ...]:
        if self.where:
            return self.where
        return ("step", "sender", "receiver") if self.subject == "step" else ("self",)


class PolicyFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    version: Literal[1] = 1
    requirements: tuple[Requirement, ...] = ()
    disable: tuple[str, ...] = ()


class Policy:
    def __init__(self, requirements: list[Requirement], overlay: PolicyFile | None = None):
        self.requirements = sorted(requirements, key=lambda r: r.id)
        self.overlay = overlay  # the --policy file merged in, kept to lay it over a pack's policy too

    def __iter__(self):
        return iter(self.requirements)

    def get(self, rid: str) -> Requirement | None:
        return next((r for r in self.requirements if r.id == rid), None)


def _parse_policy(name: str, text: str, catalog: Catalog) -> PolicyFile:
    source, errors = parse(name, text)
    if source is None or errors:
        raise InputError(errors)
    try:
        policy = PolicyFile.model_validate(source.data)
    except ValidationError as exc:
        raise InputError(located(name, source, exc, "ポリシーの誤り")) from None
    diags = []
    for i, req in enumerate(policy.requirements):
        for j, mid in enumerate(req.requires):
            if mid not in catalog:
                line, col = source.where(("requirements", i, "requires", j))
                diags.append(Diagnostic(name, line, col, "P205", f"保護対策の ID「{mid}」はカタログにありません",
                                        f"unknown measure id {mid!r}"))
    if diags:
        raise InputError(diags)
    return policy


@cache
def default_policy() -> Policy:
    policy = PolicyFile.model_validate(bundled.load("policy"))
    return Policy(list(policy.requirements))


def load_policy(path: str | None, catalog: Catalog | None = None) -> Policy:
    """The default policy, with the user's file merged over it when given."""
    base = default_policy()
    if path is None:
        return base
    raw = read_bytes(path)  # regular files only, bounded: not /dev/zero, a FIFO or a 1 GB file
    text, errors = decode(path, raw)
    if text is None:
        raise InputError(errors)
    user = _parse_policy(path, text, catalog or default_catalog())
    return merged(base, user)


def merged(base: Policy, user: PolicyFile | None) -> Policy:
    if user is None:
        return base
    by_id = {r.id: r for r in base}
    by_id.update({r.id: r for r in user.requirements})
    for rid in user.disable:
        by_id.pop(rid, None)
    return Policy(list(by_id.values()), user)


def policy_for(doc, policy: Policy | None = None) -> Policy:
    """The policy a flow is audited with: built-in < its project's pack policy.yaml < ``policy``'s --policy file."""
    pack_file = policy_file_in(pack_folder(doc.path))
    if pack_file is None:
        return policy or default_policy()
    return merged(_pack_policy(pack_file, doc.catalog), policy.overlay if policy else None)


@cache
def _pack_policy(path: str, catalog: Catalog | None) -> Policy:
    return load_policy(path, catalog)
