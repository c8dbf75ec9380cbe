"""Explain an extraction sentence by sentence, in plain text.

For each claim: its text, section, heading and timestamp, the actors found (surface
-> actor, and how), the relationships with the rule that fired, the modality with its
cue, the speaker with how it was found, and the quantities.
"""

from __future__ import annotations

from spacy.language import Language

from graph.extract import SentenceReport, analyse_document
from graph.model import Actor, Document


def _time(seconds: int | None) -> str:
    """Format seconds as ``hh:mm:ss`` (``-`` when there is no timestamp).

    >>> _time(106), _time(None)
    ('00:01:46', '-')
    """
    if seconds is None:
        return "-"
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def format_report(report: SentenceReport, actors: dict[str, Actor], number: int) -> str:
    """Return the plain-text explanation of one claim."""
    c = report.claim

    def name(aid: str | None) -> str:
        if aid is None:
            return "none"
        actor = actors.get(aid)
        return f"{actor.name} ({actor.kind})" if actor else aid

    lines = [f"[{number}] {c.text}",
             f"    section: {c.section}" + (f" / {c.heading}" if c.heading else "")
             + f"   time: {_time(c.timestamp)}   offsets: {c.start}-{c.end}"]
    if c.mentions:
        lines.append("    actors:")
        lines.extend(f"      {m.text!r} -> {name(m.actor_id)}  [{m.how}]" for m in c.mentions)
    else:
        lines.append("    actors: none")
    if report.relations:
        lines.append("    relationships:")
        lines.extend(
            f"      {name(r.subject_id)} {r.predicate} {name(r.object_id)}"
            f"  [rule {r.rule}, confidence {r.confidence:.2f}]"
            for r in report.relations
        )
    else:
        lines.append("    relationships: none")
    cue = f" (cue: {report.modality_cue!r})" if report.modality_cue else ""
    lines.append(f"    modality: {c.modality}{cue}")
    lines.append(f"    speaker: {name(c.speaker_id)}  [{report.speaker_how}]")
    if c.quantities:
        lines.append("    quantities:")
        lines.extend(
            f"      {q.text!r} = {q.value if q.value is not None else (q.min_value, q.max_value)}"
            f" {q.unit}" + (f" ({q.qualifier})" if q.qualifier else "")
            + (f" of {q.subject}" if q.subject else "")
            for q in c.quantities
        )
    return "\n".join(lines)


def explain_document(doc: Document, nlp: Language) -> str:
    """Return a plain-text report of how each sentence of ``doc`` was analysed.

    Parameters
    ----------
    doc
        A document as read by :mod:`graph.ingest`.
    nlp
        The pipeline from :func:`graph.nlp.load_nlp`.

    Returns
    -------
    str
        A header naming the document and its actors, then one block per claim.
    """
    extraction, reports = analyse_document(doc, nlp)
    actors = {a.id: a for a in extraction.actors}
    head = [f"{doc.source.title} ({doc.path})",
            f"{len(extraction.claims)} claims, {len(extraction.actors)} actors, "
            f"{len(extraction.relations)} relationships", "", "Actors:"]
    for a in extraction.actors:
        extra = []
        if a.wikidata:
            extra.append(a.wikidata)
        if a.roles:
            extra.append("roles: " + "; ".join(a.roles))
        if a.affiliations:
            extra.append("affiliated with: " + ", ".join(
                actors[x].name if x in actors else x for x in a.affiliations))
        head.append(f"  {a.name} ({a.kind})" + (f"  [{' | '.join(extra)}]" if extra else ""))
    blocks = [format_report(r, actors, i + 1) for i, r in enumerate(reports)]
    return "\n".join(head) + "\n\n" + "\n\n".join(blocks) + "\n"
