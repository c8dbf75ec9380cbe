"""Typed relationships between actors, found from a sentence's dependency parse.

The relationship types are those of ``spec/relations.md``. Which words trigger a
relationship, and where its two arguments sit in the parse, is data: each rule in
``data/relations.yaml`` names trigger lemmas and argument *paths* (see the file's
header), for example ``rely`` with subject ``subj+mod`` and object
``prep[on|upon]+mod+madeby``. This module walks those paths over spaCy tokens,
resolves the tokens it reaches to actors (through coordination, relative pronouns,
copulas, appositions, "such as" lists and, where a path allows it, the actors that
modify a noun), lifts people and institutions to the country they stand for, and
drops negated, conditional and interrogative statements and self-relations.

Examples
--------
>>> from graph.nlp import load_nlp
>>> doc = load_nlp()("Russia has had to rely on Chinese substitutes.")
>>> actors = {0: "actor/russia", 6: "actor/china"}   # "Russia", "Chinese"
>>> [hit] = find_relations(doc[:], actors, RelationContext(kinds={}, country_of={}))
>>> hit.subject_id, hit.predicate, hit.object_id, hit.rule
('actor/russia', 'dependsOn', 'actor/china', 'dependsOn:rely-on-pobj')
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml
from spacy.tokens import Span, Token

from graph.data import DATA
from graph.errors import ClaimgraphError
from graph.model import ActorKind

DEFAULT_PATH = DATA / "relations.yaml"

PREDICATES = frozenset({
    "suppliesTo", "dependsOn", "cooperatesWith", "attacks", "defendsAgainst",
    "sanctions", "migratesTo", "atWarWith", "prefers", "opposes",
})
"""The relationship local names of ``spec/relations.md``."""

STEPS = frozenset({
    "subj", "obj", "dative", "agent", "poss", "prep", "mod", "anti", "madeby", "acl",
    "gov", "user", "between", "xcomp", "self", "others",
})
"""Step names an argument path may use."""

STATES = frozenset({ActorKind.COUNTRY, ActorKind.BLOC, ActorKind.REGION})
STAND_INS = frozenset({ActorKind.PERSON, ActorKind.ORGANIZATION, ActorKind.GROUP})
MOD_DEPS = frozenset({"amod", "compound", "nmod", "npadvmod", "poss"})
SUBJ_CLIMB = frozenset({"xcomp", "acomp", "attr", "oprd", "conj", "advcl"})
NEG_CLIMB = frozenset({"xcomp", "acomp", "attr", "oprd", "dobj", "pobj", "prep", "aux",
                       "auxpass"})
COPULAS = frozenset({"be", "become", "remain", "seem"})
LIST_PREPS = frozenset({"like", "including"})
PREP_DEPS = frozenset({"prep", "agent", "dative"})


@dataclass(frozen=True)
class RelationHit:
    """One relationship found in a sentence, with the rule that found it."""

    subject_id: str
    predicate: str
    object_id: str
    rule: str
    confidence: float


@dataclass(frozen=True)
class RelationContext:
    """What the document tells about its actors beyond the sentence at hand."""

    kinds: Mapping[str, ActorKind]
    country_of: Mapping[str, str]
    default_origin: str | None = None


@dataclass(frozen=True)
class Step:
    """One step of an argument path, with an optional lemma filter."""

    name: str
    lemmas: frozenset[str] | None = None
    negate: bool = False

    def keeps(self, lemma: str) -> bool:
        """Return whether the filter keeps a token with ``lemma``."""
        if self.lemmas is None:
            return True
        return (lemma.lower() in self.lemmas) != self.negate


@dataclass(frozen=True)
class ArgPath:
    """Where one argument is found, starting from the trigger token."""

    steps: tuple[Step, ...]
    mod: bool = False
    madeby: bool = False


@dataclass(frozen=True)
class Rule:
    """A dependency rule for one relationship type (one entry of relations.yaml)."""

    predicate: str
    name: str
    lemmas: frozenset[str]
    confidence: float
    subject: tuple[ArgPath, ...]
    object: tuple[ArgPath, ...]
    pos: frozenset[str] | None = None
    prt: frozenset[str] | None = None
    child: frozenset[str] | None = None
    not_child: frozenset[str] | None = None
    obj: frozenset[str] | None = None
    head: frozenset[str] | None = None
    pairwise: bool = False
    group_subject: bool = False
    people_subject: bool = False
    no_thing_object: bool = False
    default_origin: bool = False
    single_subject: bool = False
    object_kinds: frozenset[str] | None = None

    @property
    def label(self) -> str:
        """The stable readable name reported in :attr:`RelationHit.rule`."""
        return f"{self.predicate}:{self.name}"


@dataclass(frozen=True)
class RuleSet:
    """All rules plus the word lists they share."""

    rules: tuple[Rule, ...]
    sets: Mapping[str, frozenset[str]]
    made_verbs: frozenset[str]
    object_control: frozenset[str]
    anti_prefixes: frozenset[str]
    neg_words: frozenset[str]
    neg_heads: frozenset[str]
    conditional_marks: frozenset[str]
    default_origin_penalty: float = 1.0

    @functools.cached_property
    def by_lemma(self) -> Mapping[str, tuple[Rule, ...]]:
        """The rules each trigger lemma starts, in the order of :attr:`rules`."""
        index: dict[str, list[Rule]] = {}
        for rule in self.rules:
            for lemma in rule.lemmas:
                index.setdefault(lemma, []).append(rule)
        return {lemma: tuple(rules) for lemma, rules in index.items()}


def _words(raw: object, sets: Mapping[str, frozenset[str]], where: str) -> frozenset[str]:
    """Return a lemma set from a YAML list or an ``@set`` reference."""
    if isinstance(raw, str):
        if raw.startswith("@"):
            if raw[1:] not in sets:
                raise ClaimgraphError(f"{where}: unknown word set {raw!r}")
            return sets[raw[1:]]
        raw = [raw]
    if not isinstance(raw, list):
        raise ClaimgraphError(f"{where}: expected a list of words, got {raw!r}")
    out: set[str] = set()
    for word in raw:
        out |= _words(word, sets, where) if str(word).startswith("@") else {str(word).lower()}
    return frozenset(out)


def parse_path(text: str, sets: Mapping[str, frozenset[str]] | None = None) -> ArgPath:
    """Parse an argument path such as ``"subj[@relational].poss"`` or ``"obj+mod"``.

    Raises
    ------
    ClaimgraphError
        If a step name or word set is unknown.

    >>> parse_path("obj[!drone].user").steps[0]
    Step(name='obj', lemmas=frozenset({'drone'}), negate=True)
    """
    sets = sets or {}
    body, *flags = text.split("+")
    unknown = set(flags) - {"mod", "madeby"}
    if unknown:
        raise ClaimgraphError(f"path {text!r}: unknown flag(s) {sorted(unknown)}")
    steps = []
    for part in body.split("."):
        name, _, rest = part.partition("[")
        if name not in STEPS:
            raise ClaimgraphError(f"path {text!r}: unknown step {name!r}")
        lemmas, negate = None, False
        if rest:
            inner = rest.rstrip("]")
            negate = inner.startswith("!")
            inner = inner.lstrip("!")
            lemmas = frozenset().union(*(_words(w, sets, text) for w in inner.split("|")))
        steps.append(Step(name, lemmas, negate))
    return ArgPath(tuple(steps), "mod" in flags, "madeby" in flags)


def _rule(predicate: str, raw: dict, sets: Mapping[str, frozenset[str]]) -> Rule:
    where = f"rule {predicate}:{raw.get('name')}"
    trig = raw.get("trigger") or {}

    def opt(key: str) -> frozenset[str] | None:
        return _words(trig[key], sets, where) if key in trig else None

    confidence = float(raw["confidence"])
    if not 0.5 <= confidence <= 0.95:
        raise ClaimgraphError(f"{where}: confidence {confidence} is outside 0.5-0.95")
    kinds = raw.get("object_kinds")
    return Rule(
        predicate=predicate,
        name=str(raw["name"]),
        lemmas=_words(trig["lemma"], sets, where),
        confidence=confidence,
        subject=tuple(parse_path(p, sets) for p in raw.get("subject") or ()),
        object=tuple(parse_path(p, sets) for p in raw.get("object") or ()),
        pos=frozenset(trig["pos"]) if "pos" in trig else None,
        prt=opt("prt"), child=opt("child"), not_child=opt("not_child"), obj=opt("obj"),
        head=opt("head"),
        pairwise=bool(raw.get("pairwise")),
        group_subject=bool(raw.get("group_subject")),
        people_subject=bool(raw.get("people_subject")),
        no_thing_object=bool(raw.get("no_thing_object")),
        default_origin=bool(raw.get("default_origin")),
        single_subject=bool(raw.get("single_subject")),
        object_kinds=frozenset(ActorKind(k) for k in kinds) if kinds else None,
    )


@functools.cache
def load_rules(path: Path = DEFAULT_PATH) -> RuleSet:
    """Load and check the relation rules at ``path`` (cached per path).

    Raises
    ------
    ClaimgraphError
        If the file cannot be read or a rule is malformed.
    """
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        sets = {k: frozenset(str(w).lower() for w in v) for k, v in raw["sets"].items()}
        rules = []
        for predicate, entries in raw["relations"].items():
            if predicate not in PREDICATES:
                raise ClaimgraphError(f"{path}: unknown relationship type {predicate!r}")
            rules.extend(_rule(predicate, entry, sets) for entry in entries)
        names = [r.label for r in rules]
        if len(names) != len(set(names)):
            raise ClaimgraphError(f"{path}: rule names are not unique")
        neg = raw["negation"]
        return RuleSet(
            rules=tuple(rules),
            sets=sets,
            made_verbs=_words(raw["made_verbs"], sets, "made_verbs"),
            object_control=_words(raw["object_control"], sets, "object_control"),
            anti_prefixes=_words(raw["anti_prefixes"], sets, "anti_prefixes"),
            neg_words=_words(neg["words"], sets, "negation"),
            neg_heads=_words(neg["heads"], sets, "negation"),
            conditional_marks=_words(raw["conditional_marks"], sets, "conditional_marks"),
            default_origin_penalty=float(raw.get("penalties", {}).get("default_origin", 1.0)),
        )
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ClaimgraphError(f"{path}: cannot read relation rules: {exc!r}") from None


def find_relations(sent: Span, token_actors: Mapping[int, str], context: RelationContext,
                   rules: RuleSet | None = None) -> list[RelationHit]:
    """Return the relationships between actors stated in ``sent``.

    Parameters
    ----------
    sent
        One parsed sentence.
    token_actors
        Token index (in ``sent.doc``) -> actor id, for every token of an actor mention.
    context
        Actor kinds, the country each person or organisation stands for, and the
        origin to assume for migration sentences that name none.
    rules
        The rules to apply; :func:`load_rules` by default.

    Returns
    -------
    list of RelationHit
        One hit per distinct relationship (the most confident rule wins); symmetric
        relationships may come in either direction.
    """
    if not token_actors or _is_question(sent):
        return []
    matcher = _Matcher(sent, token_actors, context, rules or load_rules())
    best: dict[tuple[str, str, str], RelationHit] = {}
    for hit in matcher.hits():
        key = (hit.subject_id, hit.predicate, hit.object_id)
        if hit.predicate in ("cooperatesWith", "atWarWith"):
            key = (min(key[0], key[2]), hit.predicate, max(key[0], key[2]))
        if key not in best or hit.confidence > best[key].confidence:
            best[key] = hit
    return list(best.values())


def _is_question(sent: Span) -> bool:
    return sent.text.strip().rstrip("\"'”’)]»").endswith("?")


def _unique(tokens: Iterator[Token] | list[Token]) -> list[Token]:
    seen: dict[int, Token] = {}
    for tok in tokens:
        seen.setdefault(tok.i, tok)
    return list(seen.values())


class _Matcher:
    """Applies a rule set to one sentence; holds the sentence's actor map."""

    def __init__(self, sent: Span, token_actors: Mapping[int, str],
                 context: RelationContext, rules: RuleSet) -> None:
        self.sent = sent
        self.actors = token_actors
        self.context = context
        self.rules = rules

    # --- rule application -------------------------------------------------------

    def hits(self) -> Iterator[RelationHit]:
        for tok in self.sent:
            for rule in self.rules.by_lemma.get(tok.lemma_.lower(), ()):
                if self._triggers(rule, tok):
                    yield from self._apply(rule, tok)

    def _triggers(self, rule: Rule, tok: Token) -> bool:
        if rule.pos is not None and tok.pos_ not in rule.pos:
            return False
        kids = {c.lemma_.lower() for c in tok.children}
        if rule.prt is not None and not kids & rule.prt:
            return False
        if rule.child is not None and not kids & rule.child:
            return False
        if rule.not_child is not None and kids & rule.not_child:
            return False
        if rule.head is not None and tok.head.lemma_.lower() not in rule.head:
            return False
        if rule.obj is not None:
            objs = self.objects(tok)
            objs += [w for o in objs for w in self._partitive(o)]  # "dozens of missiles"
            if not any(o.lemma_.lower() in rule.obj for o in objs):
                return False
        return not self._blocked(tok)

    def _apply(self, rule: Rule, tok: Token) -> Iterator[RelationHit]:
        if rule.people_subject and not self._people(tok, rule.group_subject):
            return
        if rule.no_thing_object and self._thing_object(tok):
            return
        confidence = rule.confidence
        subjects = self._argument(rule.subject, tok)
        if not subjects and rule.default_origin and self.context.default_origin:
            subjects = [self.context.default_origin]
            confidence *= self.rules.default_origin_penalty
        if rule.single_subject and len(subjects) != 1:
            return
        objects = self._argument(rule.object, tok, exclude=subjects)
        pairs = [(s, o) for s in subjects for o in objects]
        if rule.pairwise and not objects:
            # "Russia and Iran deepened their cooperation"; but in "Mali and Niger
            # deepened cooperation with Russia" each works with Russia, not (said to)
            # with each other.
            pairs += list(itertools.combinations(subjects, 2))
        confidence = round(min(0.95, max(0.5, confidence)), 2)
        for s, o in pairs:
            s, o = self._lift(s, o)
            if s == o:
                continue
            kind = self.context.kinds.get(o)
            if rule.object_kinds is not None and kind is not None \
                    and kind not in rule.object_kinds:
                continue
            yield RelationHit(s, rule.predicate, o, rule.label, confidence)

    def _argument(self, paths: tuple[ArgPath, ...], tok: Token,
                  exclude: list[str] | None = None) -> list[str]:
        """Return the actor ids the first fruitful path reaches from ``tok``."""
        for path in paths:
            if path.steps[0].name == "others":
                ids = self._others(tok, exclude or [])
            else:
                ids = self._ids(self._walk(path, tok), path)
            if ids:
                return ids
        return []

    def _ids(self, tokens: list[Token], path: ArgPath) -> list[str]:
        found = _unique(t for raw in tokens for t in self.resolve(raw, path.mod, path.madeby))
        return list(dict.fromkeys(self.actors[t.i] for t in found))

    def _lift(self, s: str, o: str) -> tuple[str, str]:
        """Replace people/organisations by their country in a relation with a state."""
        kinds, country_of = self.context.kinds, self.context.country_of

        def liftable(x: str) -> bool:
            return kinds.get(x) in STAND_INS and x in country_of

        def stately(x: str) -> bool:
            return kinds.get(x) in STATES or liftable(x)

        return (country_of[s] if liftable(s) and stately(o) else s,
                country_of[o] if liftable(o) and stately(s) else o)

    # --- statement filters ------------------------------------------------------

    def _blocked(self, tok: Token) -> bool:
        """Return whether ``tok`` is negated or sits in a conditional clause."""
        rules = self.rules
        node, seen = tok, 0
        while True:
            for c in node.children:
                low = c.lower_
                if c.dep_ == "neg" or (low in rules.neg_words and c.dep_ in ("det", "advmod")):
                    return True
                if low == "longer" and any(g.lower_ == "no" for g in c.children):
                    return True
            if seen and node.lemma_.lower() in rules.neg_heads:
                return True
            if node.dep_ not in NEG_CLIMB or node.head.i == node.i:
                break
            node, seen = node.head, seen + 1
        if node.dep_ == "ccomp" and node.head.lemma_.lower() in rules.neg_heads:
            return True
        # In a conditional clause ("if X attacks Y") or its consequence ("..., X would").
        return any(
            (c.dep_ == "mark" and c.lower_ in rules.conditional_marks)
            or (c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in ("if", "unless")
                                          for m in c.children))
            for anc in [tok, *tok.ancestors] for c in anc.children
        )

    def _people(self, tok: Token, group: bool) -> bool:
        """Return whether the mover of ``tok`` is people (a group of them if ``group``)."""
        movers = self.subjects(tok)
        if not movers:
            return True
        military = self.rules.sets.get("military", frozenset())
        groups = self.rules.sets.get("group_words", frozenset())
        for m in movers:
            lemma = m.lemma_.lower()
            if lemma in military:
                return False
            actor = self.actors.get(m.i)
            if actor and self.context.kinds.get(actor) in STATES and m.tag_ == "NNP":
                return False
            if group and not (m.tag_ in ("NNS", "NNPS") or lemma in groups
                              or m.lower_ in groups
                              or any(c.dep_ == "nummod" for c in m.children)):
                return False
        return True

    def _thing_object(self, tok: Token) -> bool:
        places = self.rules.sets.get("places", frozenset())
        return any(
            o.i not in self.actors and o.lemma_.lower() not in places
            and not self._modifier_actors(o, madeby=False)
            for o in (c for c in tok.children if c.dep_ == "dobj")
        )

    # --- grammatical roles ------------------------------------------------------

    def antecedent(self, tok: Token) -> Token:
        """Return the noun a relative pronoun stands for (``tok`` itself otherwise)."""
        if tok.tag_ not in ("WDT", "WP") and not (tok.lower_ == "that" and tok.pos_ == "PRON"):
            return tok
        for anc in tok.ancestors:
            if anc.dep_ == "relcl":
                return anc.head
            if anc.dep_ not in ("xcomp", "acomp", "conj", "prep", "pobj", "dobj"):
                break
        return tok

    @staticmethod
    def _passive(tok: Token) -> bool:
        return any(c.dep_ in ("nsubjpass", "auxpass") for c in tok.children) or (
            tok.tag_ == "VBN" and tok.dep_ == "acl")

    def subjects(self, tok: Token) -> list[Token]:
        """Return the logical subject(s) of ``tok``, inherited where English omits them."""
        kids = list(tok.children)
        nsubj = [self.antecedent(c) for c in kids if c.dep_ in ("nsubj", "csubj")]
        if nsubj:
            return nsubj
        if self._passive(tok):
            agents = [p for c in kids if c.dep_ == "agent" for p in c.children
                      if p.dep_ == "pobj"]
            if agents or tok.dep_ not in SUBJ_CLIMB:
                return agents
        head = tok.head
        if head is tok:
            return []
        if tok.dep_ == "xcomp":
            dobj = [c for c in head.children if c.dep_ == "dobj"]
            if dobj and head.lemma_.lower() in self.rules.object_control:
                return [self.antecedent(d) for d in dobj]
            if self._passive(head):
                passive = [self.antecedent(c) for c in head.children if c.dep_ == "nsubjpass"]
                if passive:
                    return passive
            return self.subjects(head)
        if tok.dep_ in SUBJ_CLIMB:
            return self.subjects(head)
        if tok.dep_ in ("acl", "relcl") and tok.tag_ == "VBG":
            return [head]
        if tok.dep_ == "pobj" and head.dep_ == "prep" and head.head.pos_ in ("VERB", "AUX"):
            return self.subjects(head.head)
        return []

    def objects(self, tok: Token) -> list[Token]:
        """Return the logical object(s) of ``tok`` (passives and participles undone)."""
        kids = list(tok.children)
        out = [self.antecedent(c) for c in kids if c.dep_ == "dobj"]
        out += [self.antecedent(c) for c in kids if c.dep_ == "nsubjpass"]
        if tok.dep_ == "acl" and tok.tag_ == "VBN":
            out.append(tok.head)
        return _unique(out)

    def users(self, thing: Token) -> list[Token]:
        """Return who uses, launches or fires ``thing`` ("drones that Russia used")."""
        use = self.rules.sets.get("use_verbs", frozenset())
        out: list[Token] = []
        if self._partitive(thing):  # "30 of the 35 drones launched by Russia"
            return _unique(u for whole in self._partitive(thing) for u in self.users(whole))
        for verb in thing.children:
            if verb.dep_ in ("acl", "relcl") and verb.lemma_.lower() in use:
                out += [s for s in self.subjects(verb) if s is not thing]
        if thing.dep_ in ("dobj", "nsubjpass") and thing.head.lemma_.lower() in use:
            out += [s for s in self.subjects(thing.head) if s is not thing]
        return _unique(out)

    # --- path steps -------------------------------------------------------------

    def _walk(self, path: ArgPath, tok: Token) -> list[Token]:
        current = [tok]
        for step in path.steps:
            current = _unique(t for c in current for t in self._step(step, c))
        return current

    def _step(self, step: Step, tok: Token) -> list[Token]:
        name, kids = step.name, list(tok.children)
        if name == "self":
            return [tok]
        if name == "subj":
            return [t for t in self.subjects(tok) if step.keeps(t.lemma_)]
        if name == "obj":
            return [t for t in self.objects(tok) if step.keeps(t.lemma_)]
        if name == "dative":
            return [p for c in kids if c.dep_ == "dative"
                    for p in ([c] if c.pos_ != "ADP" else c.children) if p.dep_ != "punct"]
        if name == "agent":
            return [p for c in kids if c.dep_ == "agent" for p in c.children if p.dep_ == "pobj"]
        if name == "poss":
            return [c for c in kids if c.dep_ == "poss"]
        if name == "prep":
            if tok.dep_ == "acomp":  # "remains reliant on X": the parser hangs "on" off the verb
                kids += [c for c in tok.head.children if c.i > tok.i]
            return [p for c in kids if c.dep_ in PREP_DEPS and step.keeps(c.lemma_)
                    for p in c.children if p.dep_ in ("pobj", "pcomp")]
        if name == "between":
            return [p for c in kids if c.dep_ == "prep" and c.lower_ in ("between", "among")
                    for p in c.children if p.dep_ == "pobj"]
        if name in ("mod", "anti", "madeby"):
            mods = self._modifier_actors(tok, madeby=True)
            return [m for m, kind in mods if kind == name]
        if name == "acl":
            return [c for c in kids if c.dep_ in ("acl", "relcl") and step.keeps(c.lemma_)]
        if name == "gov":
            gov = None
            if tok.dep_ in ("dobj", "nsubjpass", "attr", "oprd"):
                gov = tok.head
            elif tok.dep_ == "pobj" and tok.head.dep_ == "prep":
                gov = tok.head.head
            return [gov] if gov is not None and step.keeps(gov.lemma_) else []
        if name == "user":
            return self.users(tok)
        if name == "xcomp":
            return [c for c in kids if c.dep_ == "xcomp"]
        raise ClaimgraphError(f"step {name!r} cannot be walked")

    def _others(self, tok: Token, exclude: list[str]) -> list[str]:
        """Return the one other country in the trigger's clause, outside its phrase.

        The clause stops at a clausal complement: in '"X's war goes on," the
        Lithuanian minister said' the minister's country is no party to the war.
        """
        inside = {t.i for t in tok.subtree}
        clause = {t.i for t in _clause_head(tok).subtree}
        ids = set()
        for t in self.sent:
            actor = self.actors.get(t.i)
            if actor is None or t.i in inside or t.i not in clause:
                continue
            if self.context.kinds.get(actor) in STAND_INS:
                actor = self.context.country_of.get(actor, actor)
            if self.context.kinds.get(actor) == ActorKind.COUNTRY and actor not in exclude:
                ids.add(actor)
        return sorted(ids) if len(ids) == 1 else []

    # --- actor resolution -------------------------------------------------------

    def resolve(self, tok: Token, mod: bool = False, madeby: bool = False) -> list[Token]:
        """Return the actor tokens ``tok`` stands for, coordination expanded."""
        out: list[Token] = []
        for member in self._coordinated(self.antecedent(tok)):
            out += self._resolve_one(member, mod, madeby)
        return _unique(out)

    def _coordinated(self, tok: Token) -> list[Token]:
        out, todo = [], [tok]
        while todo:
            t = todo.pop()
            out.append(t)
            todo += [c for c in t.children if c.dep_ == "conj"
                     or (c.dep_ == "appos" and c.i in self.actors and t.i in self.actors)]
        return sorted(_unique(out), key=lambda t: t.i)

    def _resolve_one(self, tok: Token, mod: bool, madeby: bool) -> list[Token]:
        if tok.i in self.actors:
            return [tok]
        same = self._identity(tok)
        if same:
            return same
        part = self._partitive(tok)
        if part:
            return [t for p in part for m in self._coordinated(p)
                    for t in self._resolve_one(m, mod, madeby)]
        if mod:
            kinds = ("mod", "madeby") if madeby else ("mod",)
            return [m for m, kind in self._modifier_actors(tok, madeby=True) if kind in kinds]
        return []

    def _partitive(self, tok: Token) -> list[Token]:
        """Return the whole a quantity is part of ("thousands of Russians" -> Russians)."""
        quantities = self.rules.sets.get("quantities", frozenset())
        if not (tok.pos_ == "NUM" or tok.lemma_.lower() in quantities):
            return []
        return [p for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"
                for p in c.children if p.dep_ == "pobj"]

    def _identity(self, tok: Token) -> list[Token]:
        """Return the actors a common noun is equated with: copula, apposition, lists."""
        head = tok.head
        if tok.dep_ in ("attr", "oprd") and head.lemma_.lower() in COPULAS:
            subj = [self.antecedent(c) for c in head.children if c.dep_ == "nsubj"]
            return [t for s in subj for t in self._coordinated(s) if t.i in self.actors]
        if tok.dep_ in ("appos", "compound") and head.i in self.actors:
            return [head]
        out: list[Token] = []
        for c in tok.children:
            if c.dep_ == "appos":
                if c.i in self.actors:
                    out += [t for t in self._coordinated(c) if t.i in self.actors]
                else:
                    out += [n for n in c.children
                            if n.dep_ in ("nmod", "compound") and n.i in self.actors]
                    out += self._identity(c)
        if out:
            return out
        for noun in [tok, *(p for c in tok.children if c.dep_ == "prep"
                            for p in c.children if p.dep_ == "pobj")]:
            for c in noun.children:
                listing = c.dep_ == "prep" and (
                    c.lower_ in LIST_PREPS
                    or (c.lower_ == "as" and any(g.lower_ == "such" for g in c.children)))
                if listing:
                    out += [t for p in c.children if p.dep_ == "pobj"
                            for t in self._coordinated(p) if t.i in self.actors]
        return out

    def _modifier_actors(self, tok: Token, madeby: bool) -> list[tuple[Token, str]]:
        """Return ``(actor token, 'mod'|'anti'|'madeby')`` among the modifiers of ``tok``."""
        out: list[tuple[Token, str]] = []
        todo = [c for c in tok.children if c.dep_ in MOD_DEPS]
        while todo:
            c = todo.pop(0)
            if c.i in self.actors:
                kind = self._modifier_kind(c)
                if kind != "madeby" or madeby:
                    out += [(t, kind) for t in self._coordinated(c) if t.i in self.actors]
                todo += [g for g in c.children if g.dep_ in MOD_DEPS and g.i not in self.actors]
                todo += [g for g in c.children if g.dep_ in MOD_DEPS and g.i in self.actors
                         and self.actors[g.i] != self.actors[c.i]]
                continue
            todo += [g for g in c.children if g.dep_ in MOD_DEPS or g.dep_ == "conj"]
        return out

    def _modifier_kind(self, tok: Token) -> str:
        doc = tok.doc
        actor, first = self.actors[tok.i], tok.i
        while first > 0 and self.actors.get(first - 1) == actor:
            first -= 1
        if first >= 2 and doc[first - 1].text in ("-", "‑", "–") \
                and doc[first - 2].lower_ in self.rules.anti_prefixes:
            return "anti"
        if tok.lower_.split("-")[0] in self.rules.anti_prefixes:
            return "anti"
        head = tok.head
        if head.lemma_.lower() in self.rules.made_verbs and head.tag_ == "VBN":
            return "madeby"
        return "mod"


CLAUSE_BOUNDARIES = frozenset({"ccomp", "parataxis", "advcl", "relcl", "ROOT"})
"""Dependencies that start a clause of their own."""


def _clause_head(tok: Token) -> Token:
    """The head of the clause ``tok`` belongs to (the sentence root at most)."""
    while tok.dep_ not in CLAUSE_BOUNDARIES and tok.head.i != tok.i:
        tok = tok.head
    return tok
