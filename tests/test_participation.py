"""The partner's journey in the domain: join, write, correct, delete, vote, read the ranking."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Engine, event, func, select, update

from ctg_workshop.archive.load import import_archive
from ctg_workshop.day import ballot
from ctg_workshop.day.ballot import MY_DOTS, PAGE_SIZE, PREVIEW_PER_QUADRANT, closed_results, vote_page
from ctg_workshop.day.contributions import (
    OtherItem,
    add_item,
    delete_own_item,
    edit_own_item,
    topic_items_for_participant,
)
from ctg_workshop.day.joining import (
    Identity,
    find_workshop,
    join_workshop,
    known_organisations,
    participant_by_token,
)
from ctg_workshop.day.ranks import display_ranks
from ctg_workshop.day.results import topic_ranking
from ctg_workshop.day.voting import add_dot, remove_dot
from ctg_workshop.errors import BudgetError, ConflictError, InvalidInputError, NotFoundError, PhaseError
from ctg_workshop.identifiers import new_token
from ctg_workshop.storage.db import read_session, write_session
from ctg_workshop.storage.models import Item, ItemRevision, Participant, Phase, Quadrant, Topic, Workshop
from tests.support.locks import can_lock

CODE = "ARMDEMO"


# --- Helpers ----------------------------------------------------------------------------------


def set_phase(engine: Engine, phase: Phase, code: str = CODE) -> None:
    with write_session(engine) as session:
        session.execute(update(Workshop).where(Workshop.code == code).values(phase=phase.value))


def join(
    engine: Engine, organisation: str = "Centre social Salengro", name: str | None = None, **kw
) -> Identity:
    with write_session(engine) as session:
        return join_workshop(
            session=session, code=kw.pop("code", CODE), organisation=organisation, name=name, **kw
        )


def write(engine: Engine, identity: Identity, text: str, topic: str = "avs", quadrant: str = "strength"):
    with write_session(engine) as session:
        return add_item(
            session=session,
            participant_id=identity.participant_id,
            topic_key=topic,
            quadrant=quadrant,
            text=text,
        )


def count(engine: Engine, model: type) -> int:
    with read_session(engine) as session:
        return session.scalar(select(func.count()).select_from(model))


def item_text(engine: Engine, item_id: int) -> str:
    with read_session(engine) as session:
        return session.get_one(Item, item_id).text


@pytest.fixture
def collect_engine(demo_engine: Engine) -> Engine:
    """The demo workshop, back in its collect phase."""
    set_phase(demo_engine, Phase.COLLECT)
    return demo_engine


# --- Joining ------------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["ARMDEMO", "armdemo", " arm demo ", "Arm-Demo", "a r m d e m o"])
def test_code_is_forgiven(demo_engine, typed):
    with read_session(demo_engine) as session:
        assert find_workshop(session=session, code=typed).code == CODE


def test_unknown_and_malformed_codes_are_explained(demo_engine):
    with read_session(demo_engine) as session:
        with pytest.raises(NotFoundError, match="Aucun atelier ne porte le code « ZZZZZZ »"):
            find_workshop(session=session, code="zzzzzz")
        with pytest.raises(InvalidInputError, match="de 4 à 12 caractères"):
            find_workshop(session=session, code="a!")
        with pytest.raises(InvalidInputError, match="saisissez le code"):
            find_workshop(session=session, code="   ")


def test_join_with_new_organisation_and_no_name(both_engine):
    before = count(both_engine, Participant)
    identity = join(both_engine, organisation="  Association Les Petits Pas ", name="   ")
    assert identity.organisation == "Association Les Petits Pas"
    assert identity.name is None
    assert identity.workshop_code == CODE
    assert len(identity.token) >= 22
    assert count(both_engine, Participant) == before + 1
    with read_session(both_engine) as session:
        participant = session.get_one(Participant, identity.participant_id)
        assert participant.key.startswith("p")
        assert "Association Les Petits Pas" in known_organisations(
            session=session, workshop_id=identity.workshop_id
        )


def test_join_reuses_the_spelling_of_a_known_organisation(demo_engine):
    identity = join(demo_engine, organisation="caf  DU nord", name="Nadia")
    assert identity.organisation == "CAF du Nord"
    assert identity.name == "Nadia"
    with read_session(demo_engine) as session:
        organisations = known_organisations(session=session, workshop_id=identity.workshop_id)
    assert organisations.count("CAF du Nord") == 1
    assert organisations == sorted(organisations, key=str.casefold)


def test_join_needs_an_organisation(demo_engine):
    before = count(demo_engine, Participant)
    with pytest.raises(
        InvalidInputError, match="Organisation : choisissez-la dans la liste ou écrivez son nom"
    ):
        join(demo_engine, organisation=" \n ")
    with pytest.raises(InvalidInputError, match="Organisation : 201 caractères, 200 au plus"):
        join(demo_engine, organisation="x" * 201)
    assert count(demo_engine, Participant) == before


def test_tokens_are_unique_and_random(demo_engine):
    tokens = {join(demo_engine, organisation=f"Structure {n}").token for n in range(30)}
    assert len(tokens) == 30
    assert all(len(token) == 22 for token in tokens)


def test_joining_twice_with_the_same_token_gives_the_same_participant(both_engine):
    token = new_token()
    first = join(both_engine, token=token)
    before = count(both_engine, Participant)
    again = join(both_engine, organisation="Autre chose", token=token)
    assert again == first
    assert first.token == token
    assert count(both_engine, Participant) == before


def test_rejoin_by_token(demo_engine):
    identity = join(demo_engine, name="Karim")
    with read_session(demo_engine) as session:
        assert participant_by_token(session=session, token=identity.token) == identity
        assert participant_by_token(session=session, token=identity.token, code="armdemo") == identity
        assert participant_by_token(session=session, token=identity.token, code="AUTRE1") is None
        assert participant_by_token(session=session, token=new_token()) is None
        assert participant_by_token(session=session, token="trop-court") is None
        assert participant_by_token(session=session, token="' OR 1=1 --xxxxxxxxxxxxxxx") is None


def test_a_closed_workshop_cannot_be_joined(demo_engine):
    identity = join(demo_engine)
    set_phase(demo_engine, Phase.CLOSED)
    with pytest.raises(PhaseError, match="clos"):
        join(demo_engine)
    assert join(demo_engine, token=identity.token) == identity


# --- Writing ------------------------------------------------------------------------------------


def test_add_item_normalises_the_text(both_engine):
    identity = join(both_engine)
    item = write(
        both_engine, identity, "  Un  lieu\r\nressource\x07 pour les familles\u000b ", quadrant="opportunity"
    )
    assert item.text == "Un  lieu\nressource pour les familles"
    assert item.quadrant == "opportunity"
    with read_session(both_engine) as session:
        row = session.get_one(Item, item.id)
        assert row.author_id == identity.participant_id
        assert row.key.startswith("i")
        assert row.created_at.microsecond == 0


def test_add_item_composes_accents(collect_engine):
    identity = join(collect_engine)
    assert write(collect_engine, identity, "Cre\u0300che").text == "Crèche"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "Texte de la contribution : le texte est vide."),
        (" \n\t ", "Texte de la contribution : le texte est vide."),
        ("x" * 501, "Texte de la contribution : 501 caractères, 500 au plus."),
    ],
)
def test_add_item_refuses_bad_lengths_and_changes_nothing(collect_engine, text, reason):
    identity = join(collect_engine)
    before = count(collect_engine, Item)
    with pytest.raises(InvalidInputError) as refused:
        write(collect_engine, identity, text)
    assert refused.value.message == reason
    assert count(collect_engine, Item) == before


def test_exactly_500_characters_are_accepted(collect_engine):
    identity = join(collect_engine)
    assert len(write(collect_engine, identity, "é" * 500).text) == 500


def test_a_double_tap_adds_one_item(both_engine):
    identity = join(both_engine)
    first = write(both_engine, identity, "Des crèches saturées")
    second = write(both_engine, identity, " Des crèches saturées ")
    assert first == second
    elsewhere = write(both_engine, identity, "Des crèches saturées", quadrant="weakness")
    assert elsewhere.id != first.id


def test_unknown_topic_and_quadrant_are_refused(collect_engine):
    identity = join(collect_engine)
    with pytest.raises(NotFoundError, match=r"Le sujet d.étude « nope » n.existe pas"):
        write(collect_engine, identity, "Texte", topic="nope")
    with pytest.raises(InvalidInputError, match="Case SWOT inconnue"):
        write(collect_engine, identity, "Texte", quadrant="swot")


def test_an_item_from_an_unknown_participant_is_refused_and_nothing_is_written(collect_engine):
    before = count(collect_engine, Item)
    stranger = Identity(999_999, 1, CODE, new_token(), "Inconnue", None)
    with pytest.raises(NotFoundError, match="Participant inconnu"):
        write(collect_engine, stranger, "Texte")
    assert count(collect_engine, Item) == before


def test_a_new_item_is_stored_as_shown_with_its_defaults(both_engine):
    identity = join(both_engine)
    shown = write(both_engine, identity, "  Un lieu ressource\r\npour les parents ", quadrant="opportunity")
    assert (shown.quadrant, shown.text) == ("opportunity", "Un lieu ressource\npour les parents")
    with read_session(both_engine) as session:
        item = session.get_one(Item, shown.id)
        topic = session.get_one(Topic, item.topic_id)
        assert (item.author_id, item.hidden, item.merged_into_id, topic.key) == (
            identity.participant_id, False, None, "avs",
        )  # fmt: skip
        assert item.workshop_id == identity.workshop_id and item.key.startswith("i")


def test_postgresql_an_item_locks_its_author_for_update_and_the_workshop_for_share(both_engine):
    """What another transaction can still lock while an addition is in flight: a phase change
    (workshop FOR UPDATE) waits for it, another tap of the same partner too."""
    if both_engine.dialect.name != "postgresql":
        pytest.skip("row locks: PostgreSQL only (SQLite serialises writers at BEGIN IMMEDIATE)")
    identity = join(both_engine)

    with write_session(both_engine) as session:
        add_item(
            session=session,
            participant_id=identity.participant_id,
            topic_key="avs",
            quadrant="threat",
            text="Verrous",
        )
        assert not can_lock(
            both_engine, "participant", identity.participant_id, "KEY SHARE"
        )  # held FOR UPDATE
        assert can_lock(both_engine, "workshop", identity.workshop_id, "SHARE")
        # Held FOR SHARE: a phase change (an UPDATE, FOR NO KEY UPDATE) waits. The new item's
        # foreign key alone would only hold FOR KEY SHARE, which lets it through.
        assert not can_lock(both_engine, "workshop", identity.workshop_id, "NO KEY UPDATE")
    assert can_lock(both_engine, "workshop", identity.workshop_id, "UPDATE")


def test_edit_own_item_keeps_the_previous_text(both_engine):
    identity = join(both_engine)
    item = write(both_engine, identity, "Première version")
    with write_session(both_engine) as session:
        edited = edit_own_item(
            session=session,
            participant_id=identity.participant_id,
            item_id=item.id,
            text="  Seconde\r\nversion ",
        )
    assert edited.text == "Seconde\nversion"
    assert item_text(both_engine, item.id) == "Seconde\nversion"
    with read_session(both_engine) as session:
        revisions = session.scalars(select(ItemRevision).where(ItemRevision.item_id == item.id)).all()
    assert [(r.previous_text, r.changed_by) for r in revisions] == [("Première version", "participant")]


def test_edit_with_the_same_text_records_nothing(collect_engine):
    identity = join(collect_engine)
    item = write(collect_engine, identity, "Inchangé")
    with write_session(collect_engine) as session:
        edit_own_item(
            session=session, participant_id=identity.participant_id, item_id=item.id, text=" Inchangé "
        )
    assert count(collect_engine, ItemRevision) == 0


def test_edit_refuses_bad_text_and_keeps_the_item(collect_engine):
    identity = join(collect_engine)
    item = write(collect_engine, identity, "Texte d'origine")
    with (
        write_session(collect_engine) as session,
        pytest.raises(InvalidInputError, match="le texte est vide"),
    ):
        edit_own_item(session=session, participant_id=identity.participant_id, item_id=item.id, text="   ")
    assert item_text(collect_engine, item.id) == "Texte d'origine"
    assert count(collect_engine, ItemRevision) == 0


def test_delete_own_item(both_engine):
    identity = join(both_engine)
    item = write(both_engine, identity, "À supprimer")
    before = count(both_engine, Item)
    with write_session(both_engine) as session:
        delete_own_item(session=session, participant_id=identity.participant_id, item_id=item.id)
    assert count(both_engine, Item) == before - 1


def test_a_group_representative_cannot_be_deleted_by_its_author(collect_engine):
    identity = join(collect_engine)
    first = write(collect_engine, identity, "Représentant")
    other = join(collect_engine, organisation="Mairie")
    second = write(collect_engine, other, "Doublon")
    with write_session(collect_engine) as session:
        session.get_one(Item, second.id).merged_into_id = first.id
    with write_session(collect_engine) as session, pytest.raises(ConflictError, match="regroupe"):
        delete_own_item(session=session, participant_id=identity.participant_id, item_id=first.id)


def test_another_participants_item_is_refused(both_engine):
    author = join(both_engine)
    intruder = join(both_engine, organisation="Mairie")
    item = write(both_engine, author, "Le mien")
    with write_session(both_engine) as session, pytest.raises(NotFoundError, match="parmi les vôtres"):
        edit_own_item(session=session, participant_id=intruder.participant_id, item_id=item.id, text="Piraté")
    with write_session(both_engine) as session, pytest.raises(NotFoundError, match="parmi les vôtres"):
        delete_own_item(session=session, participant_id=intruder.participant_id, item_id=item.id)
    assert item_text(both_engine, item.id) == "Le mien"


def test_another_workshops_items_are_refused(collect_engine, demo_archive):
    with write_session(collect_engine) as session:
        import_archive(session=session, data=demo_archive, as_code="AUTRE1")
    set_phase(collect_engine, Phase.COLLECT, code="AUTRE1")
    here = join(collect_engine)
    there = join(collect_engine, code="autre1")
    item = write(collect_engine, here, "Ici")
    with write_session(collect_engine) as session, pytest.raises(NotFoundError):
        edit_own_item(session=session, participant_id=there.participant_id, item_id=item.id, text="Là-bas")
    with write_session(collect_engine) as session, pytest.raises(NotFoundError):
        delete_own_item(session=session, participant_id=there.participant_id, item_id=item.id)
    written_there = write(collect_engine, there, "Là-bas")
    with read_session(collect_engine) as session:
        assert session.get_one(Item, written_there.id).workshop_id == there.workshop_id
        assert participant_by_token(session=session, token=there.token, code=CODE) is None
        ids = {
            i.id
            for i in topic_items_for_participant(
                session=session, participant_id=here.participant_id, topic_key="avs"
            ).others
        }
    assert written_there.id not in ids


@pytest.mark.parametrize("phase", [Phase.GROUP, Phase.VOTE, Phase.CLOSED])
def test_writing_is_refused_outside_collect(both_engine, phase):
    identity = join(both_engine)
    item = write(both_engine, identity, "Écrit pendant le recueil")
    set_phase(both_engine, phase)
    before = count(both_engine, Item)
    with pytest.raises(PhaseError, match="Le recueil des contributions est terminé"):
        write(both_engine, identity, "Trop tard")
    with write_session(both_engine) as session, pytest.raises(PhaseError):
        edit_own_item(
            session=session, participant_id=identity.participant_id, item_id=item.id, text="Trop tard"
        )
    with write_session(both_engine) as session, pytest.raises(PhaseError):
        delete_own_item(session=session, participant_id=identity.participant_id, item_id=item.id)
    assert count(both_engine, Item) == before
    assert item_text(both_engine, item.id) == "Écrit pendant le recueil"


def test_voting_is_refused_during_collect_and_results_wait_for_closed(collect_engine):
    identity = join(collect_engine)
    with read_session(collect_engine) as session:
        some_item = session.scalar(
            select(Item.id).where(Item.merged_into_id.is_(None), Item.hidden.is_(False))
        )
    with (
        write_session(collect_engine) as session,
        pytest.raises(PhaseError, match="Le vote n'est pas ouvert"),
    ):
        add_dot(session=session, participant_id=identity.participant_id, item_id=some_item)
    with read_session(collect_engine) as session, pytest.raises(PhaseError, match="clôture"):
        closed_results(session=session, workshop_id=identity.workshop_id, topic_key="avs")


# --- Reading a topic ----------------------------------------------------------------------------


def test_topic_items_split_own_and_others_without_names(collect_engine):
    identity = join(collect_engine, name="Secret")
    mine = write(collect_engine, identity, "Ma force")
    with read_session(collect_engine) as session:
        items = topic_items_for_participant(
            session=session, participant_id=identity.participant_id, topic_key="avs"
        )
        hidden = set(session.scalars(select(Item.id).where(Item.hidden.is_(True))))
        workshop = find_workshop(session=session, code=identity.workshop_code)
    assert [i.id for i in items.own_in("strength")] == [mine.id]
    assert items.others and all(isinstance(i, OtherItem) for i in items.others)
    assert not hidden & {i.id for i in items.others}
    assert all(i.organisation for i in items.others)
    assert not hasattr(items.others[0], "name")
    assert workshop.phase == "collect"
    assert [t.key for t in workshop.topics] == ["avs", "enfant", "parentalite", "egalite"]


def test_organisations_hidden_when_the_workshop_says_so(collect_engine):
    with write_session(collect_engine) as session:
        session.execute(update(Workshop).values(show_organisations=False))
    identity = join(collect_engine)
    with read_session(collect_engine) as session:
        items = topic_items_for_participant(
            session=session, participant_id=identity.participant_id, topic_key="avs"
        )
    assert items.others and all(i.organisation is None for i in items.others)


# --- Voting and results ---------------------------------------------------------------------------


def sheet_of(engine: Engine, identity: Identity, view: str = "all", page: int = 0, topic: str = "avs"):
    with read_session(engine) as session:
        return vote_page(
            session=session, participant_id=identity.participant_id, topic_key=topic, view=view, page=page
        )


def test_vote_page_shows_own_dots_only_and_groups(demo_engine):
    identity = join(demo_engine)
    sheet = sheet_of(demo_engine, identity)
    with read_session(demo_engine) as session:
        ranking = topic_ranking(session=session, workshop_id=identity.workshop_id, topic_id=sheet.topic_id)
    assert sheet.balance.sentence() == "5 points restants sur 5"
    assert sheet.counts == dict(Counter(r.quadrant for r in ranking))
    # All quadrants: the newest cards of each, in quadrant order.
    expected = {
        r.item_id
        for quadrant in Quadrant
        for r in sorted(
            (r for r in ranking if r.quadrant == quadrant.value),
            key=lambda r: (r.created_at, r.key),
            reverse=True,
        )[:PREVIEW_PER_QUADRANT]
    }
    assert {c.item_id for c in sheet.choices} == expected
    assert all(len(sheet.choices_in(q.value)) <= PREVIEW_PER_QUADRANT for q in Quadrant)
    assert all(c.my_dots == 0 for c in sheet.choices)
    assert not any(hasattr(c, "dots") or hasattr(c, "voters") for c in sheet.choices)
    order = [list(Quadrant).index(Quadrant(c.quadrant)) for c in sheet.choices]
    assert order == sorted(order)
    grouped = {r.item_id: tuple(m.text for m in r.members) for r in ranking if r.members}
    assert grouped and all(c.members == grouped[c.item_id] for c in sheet.choices if c.item_id in grouped)
    assert all(c.organisation for c in sheet.choices)


def test_vote_page_organisations_hidden_when_the_workshop_says_so(demo_engine):
    with write_session(demo_engine) as session:
        session.execute(update(Workshop).values(show_organisations=False))
    sheet = sheet_of(demo_engine, join(demo_engine))
    assert sheet.choices and all(c.organisation is None for c in sheet.choices)


def add_many(engine: Engine, count: int, quadrant: str = "strength", topic: str = "avs") -> list[int]:
    """`count` more visible items in a quadrant, newer than the demo's, straight in the database."""
    with write_session(engine) as session:
        topic_row = session.scalar(select(Topic).where(Topic.key == topic))
        author = session.scalar(
            select(Participant.id).where(Participant.workshop_id == topic_row.workshop_id)
        )
        items = [
            Item(
                workshop_id=topic_row.workshop_id,
                key=f"imany{quadrant}{number:04d}",
                topic_id=topic_row.id,
                quadrant=quadrant,
                text=f"Contribution n°{number:04d}",
                author_id=author,
                created_at=dt.datetime(2030, 1, 1) + dt.timedelta(seconds=number),
            )
            for number in range(count)
        ]
        session.add_all(items)
        session.flush()
        return [item.id for item in items]


def test_each_view_gives_a_card_the_texts_grouped_under_it_oldest_first(demo_engine):
    """A card's grouped texts come with it, oldest first, hidden ones left out, in every view:
    every quadrant, one quadrant's page, the partner's own dots."""
    set_phase(demo_engine, Phase.VOTE)
    identity = join(demo_engine)
    card = sheet_of(demo_engine, identity).choices_in("strength")[0]
    newer, older, hidden = add_many(demo_engine, 3)
    with write_session(demo_engine) as session:
        for item_id, minute in ((newer, 9), (older, 1), (hidden, 5)):
            item = session.get_one(Item, item_id)
            item.merged_into_id, item.created_at = card.item_id, dt.datetime(2020, 1, 1, 0, minute)
        session.get_one(Item, hidden).hidden = True
    with write_session(demo_engine) as session:
        add_dot(session=session, participant_id=identity.participant_id, item_id=card.item_id)
    expected = ("Contribution n°0001", "Contribution n°0000")
    before = {
        c.item_id: c.members for c in sheet_of(demo_engine, identity).choices if c.item_id != card.item_id
    }
    pages = sheet_of(demo_engine, identity, "strength").pages
    views = [("all", 0), (MY_DOTS, 0)] + [("strength", page) for page in range(pages)]
    found = [c for view, page in views for c in sheet_of(demo_engine, identity, view, page).choices]
    assert [c.members for c in found if c.item_id == card.item_id] == [expected] * 3
    # The other cards keep what they had: the grouped texts land under their own card only.
    assert all(c.members == before[c.item_id] for c in found if c.item_id in before)


def test_a_quadrant_page_by_page(demo_engine):
    identity = join(demo_engine)
    before = sheet_of(demo_engine, identity).counts["strength"]
    added = add_many(demo_engine, 2 * PAGE_SIZE + 3)
    total = before + len(added)
    pages = -(-total // PAGE_SIZE)
    seen: list[int] = []
    for page in range(pages):
        sheet = sheet_of(demo_engine, identity, "strength", page)
        assert (sheet.view, sheet.page, sheet.pages, sheet.counts["strength"]) == (
            "strength",
            page,
            pages,
            total,
        )
        assert sheet.first_shown == page * PAGE_SIZE + 1
        assert {c.quadrant for c in sheet.choices} == {"strength"}
        assert len(sheet.choices) == min(PAGE_SIZE, total - page * PAGE_SIZE)
        seen += [c.item_id for c in sheet.choices]
    assert len(seen) == len(set(seen)) == total
    # The participant's own order: the same at every visit, not the age order, and another
    # partner starts elsewhere (the first cards draw more dots: not the same ones for everyone).
    again = [
        c.item_id for page in range(pages) for c in sheet_of(demo_engine, identity, "strength", page).choices
    ]
    assert again == seen
    assert seen[: len(added)] != added[::-1] and seen[: len(added)] != added
    other = join(demo_engine, organisation="CCAS")
    others_first = [c.item_id for c in sheet_of(demo_engine, other, "strength", 0).choices]
    assert others_first != seen[:PAGE_SIZE]
    # A page past the end (the topic shrank since the link was drawn) shows the last one.
    assert sheet_of(demo_engine, identity, "strength", pages + 5).page == pages - 1
    assert sheet_of(demo_engine, identity, "strength", -1).page == 0
    with pytest.raises(InvalidInputError, match="Affichage du vote inconnu"):
        sheet_of(demo_engine, identity, "everything")


def test_my_dots_view_finds_the_items_wherever_they_are(demo_engine):
    set_phase(demo_engine, Phase.VOTE)
    identity = join(demo_engine)
    added = add_many(demo_engine, 40, quadrant="threat")
    assert sheet_of(demo_engine, identity, MY_DOTS).choices == ()
    with write_session(demo_engine) as session:
        for item_id in (added[-1], added[-1], added[20]):
            add_dot(session=session, participant_id=identity.participant_id, item_id=item_id)
    sheet = sheet_of(demo_engine, identity, MY_DOTS)
    assert {(c.item_id, c.my_dots) for c in sheet.choices} == {(added[-1], 2), (added[20], 1)}
    assert sheet.voted_items == 2
    assert sheet.balance.sentence() == "2 points restants sur 5"
    # The other views carry the participant's dots too.
    threats = [c for page in range(5) for c in sheet_of(demo_engine, identity, "threat", page).choices]
    assert {c.item_id: c.my_dots for c in threats}[added[-1]] == 2


def statements_of(engine: Engine, call) -> list[str]:
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        seen.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", record)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen


def test_the_preview_of_each_quadrant_is_one_query_with_the_rows_of_one_per_quadrant(demo_engine):
    """« Toutes les cases » reads the first cards of the four quadrants in one query: the same
    rows, in the same order, as one LIMIT query per quadrant in the participant's order, with
    quadrants fuller than the preview, hidden and merged items left out."""
    set_phase(demo_engine, Phase.VOTE)
    add_many(demo_engine, 9, quadrant="weakness")
    with write_session(demo_engine) as session:
        avs = session.scalar(select(Topic.id).where(Topic.key == "avs"))
        weaknesses = session.scalars(
            select(Item).where(Item.topic_id == avs, Item.quadrant == "weakness").order_by(Item.id)
        ).all()
        weaknesses[0].hidden = True
        weaknesses[1].merged_into_id = weaknesses[2].id
    for name in ("Préview A", "Préview B", "Préview C"):
        identity = join(demo_engine, name)
        with read_session(demo_engine) as session:
            keys = {"topic": avs, "start": ballot._order_start(identity.participant_id), "offset": 0}
            pages = {
                q.value: session.execute(ballot._QUADRANT_PAGE, {**keys, "quadrant": q.value}).all()
                for q in Quadrant
            }
            expected = [
                row.id for quadrant in Quadrant for row in pages[quadrant.value][:PREVIEW_PER_QUADRANT]
            ]
            counted = dict(session.execute(ballot._COUNTS, keys).all())
        sheet = sheet_of(demo_engine, identity)
        shown = [c.item_id for c in sheet.choices]
        assert shown == expected
        # Each quadrant's count comes with its preview: the same as counting it apart.
        assert sheet.counts == {q.value: counted.get(q.value, 0) for q in Quadrant}
        assert weaknesses[0].id not in shown and weaknesses[1].id not in shown
    assert len([c for c in sheet_of(demo_engine, identity).choices if c.quadrant == "weakness"]) == 5


def test_vote_page_reads_what_it_shows_whatever_the_size(demo_engine):
    """The vote page reads the counts and the cards it shows: as many queries, each bounded,
    in a topic of 20 items as in a topic of 1,200."""
    set_phase(demo_engine, Phase.VOTE)
    identity = join(demo_engine)
    views = [("all", 0), ("strength", 0), ("weakness", 3), (MY_DOTS, 0)]

    def read_all() -> list[int]:
        return [len(sheet_of(demo_engine, identity, view, page).choices) for view, page in views]

    small = statements_of(demo_engine, read_all)
    for quadrant in Quadrant:
        add_many(demo_engine, 300, quadrant=quadrant.value)
    shown: list[int] = []
    large = statements_of(demo_engine, lambda: shown.extend(read_all()))
    assert len(large) == len(small)
    assert shown[0] == 4 * PREVIEW_PER_QUADRANT and shown[1] == shown[2] == PAGE_SIZE
    item_reads = [s for s in large if s.startswith("SELECT item.id") or "FROM item" in s]
    for statement in item_reads:
        # A page (LIMIT), counts, given ids, or the first cards of each quadrant (a LIMIT each).
        bounded = any(mark in statement for mark in ("LIMIT", "count(", " IN ("))
        assert bounded or "WHERE item.id =" in statement or "vote.participant_id" in statement, statement


def test_spending_dots_through_the_page_flow(both_engine):
    set_phase(both_engine, Phase.VOTE)
    identity = join(both_engine)
    choices = sheet_of(both_engine, identity).choices
    first, second = choices[0].item_id, choices[1].item_id

    def tap(item_id: int, more: bool = True):
        with write_session(both_engine) as session:
            change = add_dot if more else remove_dot
            return change(session=session, participant_id=identity.participant_id, item_id=item_id)

    assert tap(first).sentence() == "4 points restants sur 5"
    assert tap(first).sentence() == "3 points restants sur 5"
    assert tap(first).sentence() == "2 points restants sur 5"
    with pytest.raises(BudgetError, match="3 points au plus sur une même contribution"):
        tap(first)
    assert tap(second).sentence() == "1 point restant sur 5"
    assert tap(second).sentence() == "0 point restant sur 5"
    with pytest.raises(BudgetError, match="déjà tous placés"):
        tap(choices[2].item_id)
    assert tap(first, more=False).sentence() == "1 point restant sur 5"
    sheet = sheet_of(both_engine, identity)
    mine = {c.item_id: c.my_dots for c in sheet.choices if c.my_dots}
    assert mine == {first: 2, second: 2}
    assert sheet.balance.remaining == 1
    assert {c.item_id for c in sheet_of(both_engine, identity, MY_DOTS).choices} == {first, second}


def test_ranking_after_closed(demo_engine):
    set_phase(demo_engine, Phase.CLOSED)
    with read_session(demo_engine) as session:
        workshop = find_workshop(session=session, code=CODE)
        lines = closed_results(session=session, workshop_id=workshop.id, topic_key="avs")
        ranking = topic_ranking(session=session, workshop_id=workshop.id, topic_id=workshop.topic("avs").id)
    assert [line.rank for line in lines] == [rank.number for rank in display_ranks(ranking)]
    assert lines[0].rank == 1
    assert [(line.text, line.dots, line.voters) for line in lines] == [
        (r.text, r.dots, r.voters) for r in ranking
    ]
    assert lines[0].dots >= lines[-1].dots
    assert lines[0].dots > 0
    assert lines[0].quadrant_label in {"Forces", "Faiblesses", "Opportunités", "Menaces"}


def test_two_devices_sending_the_same_item_at_once_add_it_once(both_engine):
    identity = join(both_engine)
    barrier = threading.Barrier(4)

    def send() -> int:
        barrier.wait()
        return write(both_engine, identity, "Envoyé deux fois en même temps").id

    with ThreadPoolExecutor(max_workers=4) as pool:
        ids = set(pool.map(lambda _: send(), range(4)))
    assert len(ids) == 1
    with read_session(both_engine) as session:
        texts = session.scalars(select(Item.text).where(Item.author_id == identity.participant_id)).all()
    assert texts == ["Envoyé deux fois en même temps"]
