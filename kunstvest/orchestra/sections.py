"""The orchestra's sections in score order, each with the instrument it plays; loaded once, kept by code."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from kunstvest.extensions import db
from kunstvest.orchestra.models import Section

# (code, name in bokmål, instrument)
STANDARD_SECTIONS = (
    ("flute", "Fløyte", "flute"), ("oboe", "Obo", "oboe"), ("clarinet", "Klarinett", "clarinet"),
    ("bassoon", "Fagott", "bassoon"), ("horn", "Horn", "horn"), ("trumpet", "Trompet", "trumpet"),
    ("trombone", "Trombone", "trombone"), ("tuba", "Tuba", "tuba"), ("percussion", "Slagverk", "percussion"),
    ("harp", "Harpe", "harp"), ("piano", "Piano", "piano"), ("violin_1", "Fiolin 1", "violin"),
    ("violin_2", "Fiolin 2", "violin"), ("viola", "Bratsj", "viola"), ("cello", "Cello", "cello"),
    ("double_bass", "Kontrabass", "double_bass"),
)

INSTRUMENT_LABELS = {
    "flute": _l("flute"), "oboe": _l("oboe"), "clarinet": _l("clarinet"), "bassoon": _l("bassoon"),
    "horn": _l("horn"), "trumpet": _l("trumpet"), "trombone": _l("trombone"), "tuba": _l("tuba"),
    "percussion": _l("percussion"), "harp": _l("harp"), "piano": _l("piano"), "violin": _l("violin"),
    "viola": _l("viola"), "cello": _l("cello"), "double_bass": _l("double bass"),
}


def ensure_sections() -> dict[str, Section]:
    """The standard sections, created when missing; returns them by code."""
    sections = {section.code: section for section in db.session.scalars(sa.select(Section))}
    for position, (code, name, instrument) in enumerate(STANDARD_SECTIONS, start=1):
        if code not in sections:
            sections[code] = Section(code=code, name=name, instrument=instrument, position=position)
            db.session.add(sections[code])
    db.session.flush()
    return sections


def sections_for(instrument: str) -> list[Section]:
    """The sections that play an instrument (violin → violin 1 and violin 2)."""
    return list(db.session.scalars(sa.select(Section).where(Section.instrument == instrument)
                                   .order_by(Section.position)))
