"""The draft convention and deliberation, reopened with python-docx: structure, tables, language,
no hidden item, no participant's name."""

import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from sqlalchemy import select

from ctg_workshop.archive.load import import_archive
from ctg_workshop.day.ranks import display_ranks
from ctg_workshop.day.results import rankings
from ctg_workshop.documents.convention import ConventionData, TopicFacts, build_convention, convention_data
from ctg_workshop.documents.deliberation import (
    build_deliberation,
    deliberation_data,
    make_options,
    number_words,
)
from ctg_workshop.documents.facts import Participation, WorkshopFacts
from ctg_workshop.documents.typography import french_typography as typeset
from ctg_workshop.drafting.sheets import Objective, SheetData
from ctg_workshop.errors import InvalidInputError
from ctg_workshop.storage.db import open_database, read_session, write_session
from ctg_workshop.storage.lookups import workshop_by_code
from ctg_workshop.storage.models import Participant

NAMES = ("Nadia B.", "Karim M.", "Sophie L.", "Claire D.")
HIDDEN = ("06 12 34 56 78", "parking de la mairie")
FICHE_LABELS = [
    ("Titre action :", "Public cible"),
    ("Objectifs opérationnels", "Modalités de mise en œuvre"),
    ("Services mobilisés et responsables de l'action", "Résultats attendus"),
    ("Partenaires sollicités (Liste non exhaustive)", "Indicateurs d'évaluation"),
]


MARKUP_ITEM = "Des *ateliers* parents-enfants à <b>valoriser</b>"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    """One demo database for the module (building the convention renders four charts)."""
    engine = open_database(f"sqlite:///{tmp_path_factory.mktemp('docs') / 'ctg.sqlite3'}")
    document = json.loads(
        (Path(__file__).resolve().parents[1] / "data" / "demo-armentieres.json").read_bytes()
    )
    # The demo partners see holds no markup-looking text; the documents must still print one literally.
    item = next(
        i for i in document["workshop"]["items"] if i["text"] == "Des ateliers parents-enfants à valoriser"
    )
    item["text"] = MARKUP_ITEM
    with write_session(engine) as session:
        import_archive(session=session, data=json.dumps(document))
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def demo_id(demo_db) -> int:
    with read_session(demo_db) as session:
        return workshop_by_code(session=session, code="ARMDEMO").id


@pytest.fixture(scope="module")
def convention_bytes(demo_db, demo_id) -> bytes:
    with read_session(demo_db) as session:
        data = convention_data(session=session, workshop_id=demo_id, today=dt.date(2026, 11, 23))
    return build_convention(data)


@pytest.fixture(scope="module")
def convention(convention_bytes):
    return docx.Document(io.BytesIO(convention_bytes))


def all_text(data: bytes) -> str:
    """Every XML part of the package (body, headers, footers, properties), markup included."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return "\n".join(
            package.read(name).decode("utf-8")
            for name in package.namelist()
            if name.endswith((".xml", ".rels"))
        )


def headings(document, level: int) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == f"Heading {level}"]


def row_texts(row) -> tuple[str, ...]:
    return tuple(cell.text for cell in row.cells)


def fiche_tables(document):
    return [t for t in document.tables if t.rows[0].cells[0].text.startswith("Fiche action n°")]


def swot_tables(document):
    return [t for t in document.tables if row_texts(t.rows[0]) == ("Forces", "Faiblesses")]


# --------------------------------------------------------------------------- convention


def test_convention_follows_the_seed_structure_with_real_headings(convention, demo_db, demo_id):
    assert headings(convention, 1) == [
        "La Convention Territoriale Globale",
        "Le diagnostic et la détermination des axes de développement",
        "Les thématiques de travail",
        "Les sujets d'étude",
        "Axes de développement de la CTG - Armentières",
        "Signatures",
        "Annexes",
    ]
    level2 = headings(convention, 2)
    for section in ("Le territoire", "La population allocataire", "La Petite Enfance", "L'Action Sociale"):
        assert section in level2
    for topic in ("Animation de la Vie Sociale", "Parentalité/Insertion", "Égalité des chances"):
        assert topic in level2
    assert typeset("Fiche action n°1 : Animation de la Vie Sociale") in level2
    assert "Annexe 2 — Organisations contributrices" in level2
    assert headings(convention, 3).count("Synthèse SWOT") == 4
    assert headings(convention, 3).count("Résultats du vote") == 4
    title = convention.paragraphs[0]
    assert title.style.name == "Title"
    assert title.text == "Convention Territoriale Globale 2023/2026"


def test_convention_has_a_table_of_contents_page_numbers_and_french_language(convention, convention_bytes):
    body = convention.element.body
    instructions = [i.text for i in body.iter(qn("w:instrText"))]
    assert any(i.strip().startswith("TOC \\o") for i in instructions)
    footer = convention.sections[0].footer._element
    assert {i.text.strip() for i in footer.iter(qn("w:instrText"))} == {"PAGE", "NUMPAGES"}
    defaults = convention.styles.element.find(qn("w:docDefaults"))
    lang = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang"))
    assert lang.get(qn("w:val")) == "fr-FR"
    assert convention.core_properties.language == "fr-FR"
    assert convention.settings.element.find(qn("w:updateFields")) is not None
    section = convention.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)


def test_the_diagnostic_figures_are_tables_by_section(convention):
    figures = [t for t in convention.tables if row_texts(t.rows[0]) == ("Indicateur", "Valeur", "Précision")]
    assert len(figures) == 5
    first = [row_texts(r) for r in figures[0].rows[1:]]
    assert tuple(map(typeset, ("Habitants", "24 882", "dont 1 713 résidant en QPV"))) in first


def test_four_fiches_action_laid_out_like_the_seed(convention):
    tables = fiche_tables(convention)
    assert len(tables) == 4
    for table in tables:
        assert len(table.columns) == 2
        assert [row_texts(table.rows[i]) for i in (1, 3, 5, 7)] == [
            tuple(map(typeset, r)) for r in FICHE_LABELS
        ]
        assert "Échéances de réalisation" in table.rows[4].cells[1].text
        assert typeset("Responsable de l'action : Chargé de Coopération CTG") in table.rows[6].cells[0].text
    avs = tables[0]
    assert avs.rows[0].cells[0].text == "Fiche action n°1"  # the title is in the heading and « Titre action »
    assert avs.rows[2].cells[0].text == "Animation de la Vie Sociale"
    objectives = avs.rows[4].cells[0].text
    assert "1. Renforcer la bonne lecture territoriale" in objectives
    assert "Analyser les besoins des publics" in objectives
    assert "La CAF" in avs.rows[8].cells[0].text
    assert "Nombre de groupes de travail dédié" in avs.rows[8].cells[1].text
    styles = {p.style.name for p in avs.rows[8].cells[0].paragraphs}
    assert styles == {"List Bullet"}


def test_a_swot_synthesis_and_a_chart_per_topic(convention, demo_db, demo_id):
    tables = swot_tables(convention)
    assert len(tables) == 4
    for table in tables:
        assert row_texts(table.rows[2]) == ("Opportunités", "Menaces")
    with read_session(demo_db) as session:
        ranked = rankings(session=session, workshop_id=demo_id)
        first_topic = workshop_by_code(session=session, code="ARMDEMO").topics[0].id
    best = next(i for i in ranked[first_topic] if i.quadrant == "weakness")
    assert typeset(f"{best.text} — {best.dots} points") in tables[0].rows[1].cells[1].text
    assert len(convention.inline_shapes) == 4


def test_each_topic_shows_its_vote_chart_with_a_text_alternative(convention, demo_db, demo_id):
    with read_session(demo_db) as session:
        ranked = rankings(session=session, workshop_id=demo_id)
        topics = workshop_by_code(session=session, code="ARMDEMO").topics
    paragraphs = convention.paragraphs
    starts = [i for i, p in enumerate(paragraphs) if p.text == "Résultats du vote"]
    assert len(starts) == len(topics) == 4
    for number, (start, topic) in enumerate(zip(starts, topics, strict=True), start=1):
        picture, caption = paragraphs[start + 1], paragraphs[start + 2]
        drawings = picture._p.findall(f".//{qn('wp:inline')}")
        assert len(drawings) == 1 and picture.paragraph_format.keep_with_next
        image = picture.part.related_parts[drawings[0].find(f".//{qn('a:blip')}").get(qn("r:embed"))]
        assert image.content_type == "image/png" and image.blob.startswith(b"\x89PNG")
        description = drawings[0].find(qn("wp:docPr")).get("descr")
        assert description.startswith(f"Graphique en barres « {topic.title} : points reçus »")
        voted = [item for item in ranked[topic.id] if item.dots > 0]
        first, tenth = voted[0], voted[min(len(voted), 10) - 1]
        # Numbered with the display ranks: tied items share their number (« 9 ex æquo »).
        shown = display_ranks(voted)[: min(len(voted), 10)]
        assert f"{shown[0].label}. {' '.join(first.text.split())} (" in description
        assert f") : {first.dots} points" in description
        assert f"{shown[-1].label}. {' '.join(tenth.text.split())} (" in description
        assert f"{min(len(voted), 10) + 1}. " not in description
        assert caption.text.startswith(f"Figure {number} — Les ")


def test_header_rows_repeat_across_pages(convention):
    for table in convention.tables:
        header = table.rows[0]._tr.trPr
        assert header is not None and header.find(qn("w:tblHeader")) is not None, row_texts(table.rows[0])


def test_annexes_list_every_contribution_with_its_points_and_the_organisations(convention, demo_db, demo_id):
    annex = [
        t
        for t in convention.tables
        if row_texts(t.rows[0]) == ("Contribution", "Organisation", "Points", "Votants")
    ]
    assert len(annex) == 4
    cells = {row_texts(r)[0]: row_texts(r) for t in annex for r in t.rows}
    with read_session(demo_db) as session:
        ranked = rankings(session=session, workshop_id=demo_id)
        organisations = set(session.scalars(select(Participant.organisation)))
    for items in ranked.values():
        for item in items:
            assert cells[typeset(item.text)][2:] == (str(item.dots), str(item.voters))
            for member in item.members:
                assert typeset(f"↳ regroupée : {member.text}") in cells
    listed = [
        t for t in convention.tables if row_texts(t.rows[0]) == ("Organisation", "Contributions écrites")
    ]
    names = {row_texts(r)[0] for r in listed[0].rows[1:]}
    assert names <= {typeset(name) for name in organisations}
    assert {"CAF du Nord", "Centre social Salengro", "Mission Locale"} <= names


def test_no_participant_name_and_no_hidden_item_anywhere(convention_bytes):
    text = all_text(convention_bytes)
    for forbidden in (*NAMES, *HIDDEN):
        assert forbidden not in text


def test_participant_markup_is_printed_as_typed(convention):
    text = "\n".join(p.text for t in convention.tables for c in t._cells for p in c.paragraphs)
    assert MARKUP_ITEM in text


def minimal_data(**changes) -> ConventionData:
    workshop = WorkshopFacts("TEST", "Atelier", "Trifouillis", "CAF du Test", 2024, 2027, None, 5, ())
    sheet = SheetData(
        topic_key="t",
        title="Sujet <script>",
        operational_objectives=(Objective("# pas un titre", ("**pas gras**",)),),
    )
    topic = TopicFacts("t", "Sujet <script>", None, (), (), sheet)
    data = ConventionData(workshop, (), (), (topic,), (), Participation(0, 0, 0, 0, 0), dt.date(2026, 1, 1))
    return ConventionData(**{**data.__dict__, **changes})


def test_an_empty_workshop_still_gives_a_complete_draft_with_placeholders():
    document = docx.Document(io.BytesIO(build_convention(minimal_data())))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "[Chiffres du territoire à compléter" in text
    assert "Aucun point n'a été attribué sur ce sujet." in text
    fiche = fiche_tables(document)[0]
    assert fiche.rows[2].cells[1].text == "[À compléter]"
    assert "# pas un titre" in fiche.rows[4].cells[0].text
    assert "**pas gras**" in fiche.rows[4].cells[0].text
    assert len(document.inline_shapes) == 0


# --------------------------------------------------------------------------- deliberation


@pytest.fixture(scope="module")
def deliberation(demo_db, demo_id):
    options = make_options(session_date="09/02/2023", number="DE23.027", bonus_amount="618000")
    with read_session(demo_db) as session:
        data = deliberation_data(session=session, workshop_id=demo_id, options=options)
    return build_deliberation(data)


def test_deliberation_follows_the_seed(deliberation):
    document = docx.Document(io.BytesIO(deliberation))
    text = "\n".join(p.text for p in document.paragraphs)
    assert document.paragraphs[0].text == "EXTRAIT DU REGISTRE DES DÉLIBÉRATIONS"
    assert typeset("CONSEIL MUNICIPAL — VILLE D'ARMENTIÈRES") in text
    assert headings(document, 1) == ["CONVENTION TERRITORIALE GLOBALE 2023/2026"]
    assert "Autorisation - Approbation" in text
    assert typeset("Séance du : 9 février 2023") in text
    assert typeset("L'AN DEUX MILLE VINGT-TROIS, le neuf février à [heure]") in text
    assert typeset("DE23.027") in text
    assert typeset("PETITE ENFANCE/ENFANCE/JEUNESSE/PARENTALITÉ") in text
    topic = next(p for p in document.paragraphs if p.text == "Animation de la Vie Sociale")
    assert topic.style.name == "List Number"  # a real Word list, not typed numbers
    objective = next(p for p in document.paragraphs if p.text == "Identifier les étapes")
    assert objective.style.name == "List Bullet 2"
    assert typeset("enveloppe de 618 000 €.") in text
    assert (
        typeset("Après en avoir délibéré le Conseil Municipal décide d'autoriser Monsieur le Maire à :")
        in text
    )
    assert typeset("est annexée à la présente délibération") in text
    assert typeset("Conseillers présents : [nombre]") in text
    assert typeset("PRÉSENTS : [liste des conseillers présents]") in text
    defaults = document.styles.element.find(qn("w:docDefaults"))
    assert defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang")).get(qn("w:val")) == "fr-FR"
    for forbidden in (*NAMES, *HIDDEN):
        assert forbidden not in all_text(deliberation)


def test_the_town_s_details_make_the_whole_deliberation(demo_db, demo_id):
    from ctg_workshop.drafting.deliberation_settings import DeliberationDetails, get_details, save_details

    details = DeliberationDetails(
        number="DE23.027",
        session_date=dt.date(2023, 2, 9),
        convocation_date=dt.date(2023, 2, 3),
        councillors=35,
        present=28,
        bonus_cents=61_800_000,
        previous_deliberation_date=dt.date(2020, 12, 17),
        previous_end_date=dt.date(2022, 12, 31),
        themes_committee_date=dt.date(2022, 1, 5),
        validation_committee_date=dt.date(2023, 1, 6),
        funded_structures=("Centre social Salengro", "Centre Social « les 4 Saisons »", "Club Léo Lagrange"),
        mayor="Bernard HAESBROECK",
        secretary="Alexis DEBUISSON",
    )
    with write_session(demo_db) as session:
        saved = save_details(session=session, workshop_id=demo_id, details=details)
    try:
        with read_session(demo_db) as session:
            assert get_details(session=session, workshop_id=demo_id) == saved
            data = deliberation_data(session=session, workshop_id=demo_id)
        document = docx.Document(io.BytesIO(build_deliberation(data)))
        text = "\n".join(p.text for p in document.paragraphs)
        for expected in (
            "RENOUVELLEMENT DE CONVENTION",
            "Convocation du : 3 février 2023",
            "Conseillers en exercice : 35",
            "Par délibération en date du 17 décembre 2020, le Conseil Municipal a autorisé la signature",
            "arrivée à terme le 31 décembre 2022.",
            "Lors du Comité de Pilotage du 5 janvier 2022",
            "réuni le 6 janvier 2023.",
            "la Ville procédera au recrutement d'un chargé de coopération CTG",
            "Procéder au recrutement d'un agent dédié, au poste de Chargé de Coopération CTG,",
            "Centre social Salengro, Centre Social « les 4 Saisons » et Club Léo Lagrange",
            "Conventions d'Objectifs et de Financement",
            "Elle couvrira les quatre années de fonctionnement de la CTG (2023/2026).",
            "enveloppe de 618 000 €.",
            "sous la présidence de Bernard HAESBROECK, Maire.",
            "de la Ville d'ARMENTIÈRES se sont réunis",
        ):
            assert typeset(expected) in text, expected
        signatures = document.tables[-1]
        assert "Alexis DEBUISSON" in signatures.rows[0].cells[0].text
        assert signatures.rows[0]._tr.trPr.find(qn("w:cantSplit")) is not None
        closing = next(p for p in document.paragraphs if p.text.startswith("Ainsi fait"))
        assert closing.paragraph_format.keep_with_next
    finally:
        with write_session(demo_db) as session:
            save_details(session=session, workshop_id=demo_id, details=DeliberationDetails())


def test_bad_details_are_refused_in_french(demo_db, demo_id):
    from ctg_workshop.drafting.deliberation_settings import DeliberationDetails, parse_amount, save_details

    for details, message in (
        (DeliberationDetails(councillors=35, present=40), "pas plus que"),
        (
            DeliberationDetails(session_date=dt.date(2023, 2, 9), convocation_date=dt.date(2023, 2, 10)),
            "précède",
        ),
        (DeliberationDetails(previous_end_date=dt.date(2022, 12, 31)), "Renouvellement"),
        (DeliberationDetails(number="x" * 51), "Numéro"),
    ):
        with pytest.raises(InvalidInputError, match=message), write_session(demo_db) as session:
            save_details(session=session, workshop_id=demo_id, details=details)
    assert parse_amount("618 000 €") == 61_800_000 and parse_amount("") is None
    with pytest.raises(InvalidInputError, match="nombre d'euros"):
        parse_amount("beaucoup")


def test_deliberation_without_options_keeps_placeholders(demo_db, demo_id):
    with read_session(demo_db) as session:
        data = deliberation_data(session=session, workshop_id=demo_id)
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(build_deliberation(data))).paragraphs)
    assert typeset("Séance du : [date de la séance]") in text
    assert typeset("[numéro de la délibération]") in text
    assert typeset("enveloppe de [montant en euros].") in text


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (1, "un"),
        (9, "neuf"),
        (21, "vingt et un"),
        (71, "soixante et onze"),
        (80, "quatre-vingts"),
        (91, "quatre-vingt-onze"),
        (200, "deux cents"),
        (2023, "deux mille vingt-trois"),
        (1999, "mille neuf cent quatre-vingt-dix-neuf"),
    ],
)
def test_numbers_in_words(number, words):
    assert number_words(number) == words


def test_bad_options_are_refused_in_french():
    with pytest.raises(InvalidInputError, match="JJ/MM/AAAA"):
        make_options(session_date="31/02/2023")
    with pytest.raises(InvalidInputError, match="nombre d'euros"):
        make_options(bonus_amount="beaucoup")
    assert (
        make_options(session_date="2023-02-09", bonus_amount="618 000 €").bonus_amount
        == "618\u00a0000\u00a0€"
    )


def _visible_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    cells = [p.text for t in document.tables for c in t._cells for p in c.paragraphs]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_french_typography_everywhere_in_the_convention(convention_bytes):
    import re

    text = _visible_text(convention_bytes)
    assert not re.search(r" [:;!?»]", text), re.findall(r".{20} [:;!?»]", text)[:5]
    assert not re.search(r"« ", text)
    assert not re.search(r"\d \d{3}\b", text), re.findall(r".{10}\d \d{3}\b", text)[:5]
    assert not re.search(r"\d %", text)
    assert "24\u202f882" in text


def test_a_page_of_signatures_for_the_maire_and_the_caf(convention):
    text = _visible_text(convention_bytes_of(convention))
    assert typeset("Fait à Armentières, le [date de la signature], en deux exemplaires originaux.") in text
    assert "Pour la Ville d'Armentières," in text and "Le Maire" in text and "Le Directeur" in text


def convention_bytes_of(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_core_properties_are_today_s_with_nothing_from_the_template(convention_bytes):
    properties = docx.Document(io.BytesIO(convention_bytes)).core_properties
    assert properties.created.date() == dt.datetime.now(dt.UTC).date()
    assert properties.modified.date() == properties.created.date()
    assert properties.author == properties.last_modified_by == "CTG Atelier"
    assert properties.title.startswith("Convention Territoriale Globale") and properties.language == "fr-FR"
    with zipfile.ZipFile(io.BytesIO(convention_bytes)) as package:
        core = package.read("docProps/core.xml").decode()
    assert "python-docx" not in core and "2013" not in core


def test_each_section_s_analysis_is_printed_under_its_heading(convention):
    paragraphs = [p.text for p in convention.paragraphs]
    heading = next(
        i
        for i, p in enumerate(convention.paragraphs)
        if p.text == "Le territoire" and p.style.name == "Heading 2"
    )
    assert paragraphs[heading + 1].startswith("Armentières est une commune")
    assert typeset("2 quartiers sont identifiés en Politique de la Ville") in "\n".join(paragraphs)


def test_a_section_with_figures_and_no_analysis_asks_for_it(demo_db, demo_id):
    from ctg_workshop.drafting.narrative import save_narrative

    with write_session(demo_db) as session:
        save_narrative(session=session, workshop_id=demo_id, section="La Petite Enfance", text="")
    try:
        with read_session(demo_db) as session:
            data = convention_data(session=session, workshop_id=demo_id, today=dt.date(2026, 11, 23))
        document = docx.Document(io.BytesIO(build_convention(data)))
        paragraphs = [p for p in document.paragraphs]
        index = next(
            i
            for i, p in enumerate(paragraphs)
            if p.text == "La Petite Enfance" and p.style.name == "Heading 2"
        )
        reminder = paragraphs[index + 1]
        assert reminder.text == "[Analyse à rédiger]"
        assert reminder.runs[0].font.highlight_color is not None
    finally:
        with write_session(demo_db) as session:
            original = json.loads(
                (Path(__file__).resolve().parents[1] / "data" / "demo-armentieres.json").read_bytes()
            )
            text = next(
                n["text"] for n in original["workshop"]["narrative"] if n["section"] == "La Petite Enfance"
            )
            save_narrative(session=session, workshop_id=demo_id, section="La Petite Enfance", text=text)


def test_the_follow_up_example_s_convention_holds_every_analysis_paragraph(tmp_path, follow_up_archive):
    from ctg_workshop.storage.db import open_database

    engine = open_database(f"sqlite:///{tmp_path / 'ctg.sqlite3'}")
    with write_session(engine) as session:
        workshop_id = import_archive(session=session, data=follow_up_archive).id
    with read_session(engine) as session:
        document = docx.Document(
            io.BytesIO(build_convention(convention_data(session=session, workshop_id=workshop_id)))
        )
        deliberation = build_deliberation(deliberation_data(session=session, workshop_id=workshop_id))
    engine.dispose()
    paragraphs = {p.text for p in document.paragraphs}
    narrative = json.loads(follow_up_archive)["workshop"]["narrative"]
    expected = [p.strip() for n in narrative for p in n["text"].split("\n\n") if p.strip()]
    assert len(expected) >= 18
    assert [p for p in expected if typeset(p) not in paragraphs] == []
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(deliberation)).paragraphs)
    assert "Procéder au recrutement d'un agent dédié, au poste de Chargé de Coopération CTG," in text
    assert "DÉLIBÉRATIONS" in text and "Ville d'ARMENTIÈRES" in text
