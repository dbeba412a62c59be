"""docs/benchmarks.md, written from the results (French): machine, command, figures, growth,
the profile of the figure furthest from its target, and what the figures say."""

from __future__ import annotations

import math
from collections.abc import Iterable

from measure.benchmarks.results import Figure
from measure.benchmarks.run import Results
from measure.benchmarks.stats import Samples, growth_exponent

ORDER = (
    "partner.add_item",
    "partner.dot",
    "partner.refresh",
    "projection.counters",
    "projection.topic",
    "projection.warm",
    "projection.query",
    "projection.screens",
    "writes.add_item",
    "writes.lost",
    "export.convention",
    "export.again",
    "first_visit.bytes",
    "first_visit.slow",
    "first_visit.4g",
)

CORRECTIONS = """\
Relevés pendant ce travail sur cette machine (partagée, donc à lire en ordres de grandeur) ; les
chiffres d'après sont ceux des tableaux ci-dessus. Les tests des modules touchés restent verts.

| quoi | profil avant | correction | fichiers |
| --- | --- | --- | --- |
| Rafraîchir les compteurs de la projection | 130 à 180 ms par écran et par rafraîchissement, dont 90 % à construire l'histogramme Altair et à le faire valider | spécification Vega-Lite en cache, par valeur des comptes ; `st.vega_lite_chart` | `ui/projection.py`, `pages/projection.py` |
| Nombre de votants de la projection | 73 ms à 16× (table `vote` entière parcourue, exposant 1,3) | part des participants de l'atelier, sonde la clé (participant, contribution) : 1,6 ms à 16× | `ctg_workshop/live.py` (`voter_count`) |
| Sujet affiché (matrice SWOT) | tout le sujet lu, construit et recopié du cache à chaque rafraîchissement (170 ms à 16×) | les six plus récentes par quadrant, classées par la base, et les comptes | `ctg_workshop/live.py` (`swot_matrix(newest=…)`), `ui/projection.py`, `pages/projection.py` |
| Annexe de la convention | 1,8 s à 1× dans les accesseurs de python-docx (`Run.bold`, `add_run`, `cell.paragraphs`, largeurs, `row.cells`) | XML des cellules écrit directement, même document octet pour octet (hormis des `<w:rPr/>` vides) | `ctg_workshop/documents/word.py`, `convention.py` |
| Graphiques de la convention | 2,1 s à 1×, à chaque export | images gardées (`charts.ranking_png`) : l'export suivant ne les redessine pas | `ctg_workshop/charts.py`, `convention.py` |
| Premier export de la convention | 2,14 s, 9,2 × le plancher : vl-convert, 0,1 à 0,35 s par graphique (0,8 s au premier appel), GIL gardé | graphiques dessinés avec Pillow (~14 ms chacun, police Source Sans de Streamlit), avec alternative textuelle ; 1,02 s → 0,38 s (2,0 × le plancher) mesuré le même jour | `ctg_workshop/charts.py`, `documents/word.py` |
| Page de vote du partenaire | une carte (7 éléments, 2 boutons) par contribution du sujet : 568 ms à 1×, 10,84 s à 16× pour la page, 27 → 136 ms pour un point ; chaque point faisait deux exécutions | 5 cartes par quadrant, un quadrant 10 par page, « Mes points » ; la base ne lit que ce qui est montré ; un point = une exécution (la carte écrit le compteur dans son emplacement) | `ctg_workshop/day/ballot.py` (`vote_page`), `pages/participer.py`, `ui/partner/` |
| Délai fixe de ~40 ms sur les gestes courts | pas du calcul : Nagle et l'accusé de réception différé (Streamlit 1.67 ne pose pas `TCP_NODELAY`) | lanceur `python serve.py` : ouvrir la page du code 52 → 11 ms, un point 51 → 14-18 ms, une contribution 48 → 21 ms (p50, `python -m measure.cost_per_action`) | `serve.py`, `Makefile`, `docs/deploiement.md` |
| Comptes par quadrant, votes d'un atelier | `item` et `vote` lus sans index propre à l'atelier : requête d'agrégat de la projection 17 ms à 16× (banc du 2026-11-23) | migration 0002 : index `item(workshop_id, hidden, topic_id, quadrant)` et `vote(workshop_id, item_id)` ; même requête : voir « Croissance » (6,7 ms à 16× le 2026-11-25) ; `tests/test_migrations.py` vérifie que SQLite les utilise | `migrations/versions/0002_workshop_indexes.py`, `ctg_workshop/models.py` |
"""

REMAINING = """\
- **Signaler à Streamlit** que son serveur Starlette ne pose plus `TCP_NODELAY` (le serveur Tornado
  d'avant le posait) ; le lanceur (`serve.py`) s'en passera quand ce sera corrigé.
  Derrière un mandataire (nginx), c'est la connexion mandataire → Streamlit qui profite du lanceur ;
  nginx pose lui-même `tcp_nodelay` vers les navigateurs.
- **La page de vote entière sous 2 × son plancher, avec peu de marge** (1,63 à 1,95× sur cinq
  passages depuis que le début d'une exécution est retenu comme ses messages, `server/wakeups.py` ;
  1,62 à 2,18× juste avant). La boucle d'événements ne prend plus le GIL au script au milieu
  d'une exécution pour envoyer les messages de son début ; les cartes d'un sujet sont gardées en
  mémoire sous sa version (`day/cards_cache.py`, migration 0009). Ce qui reste est le travail de
  Streamlit pour des éléments riches face aux textes et boutons du plancher : le fragment des
  cartes, le composant, les pastilles, le menu des sujets, les volets à clé, la navigation
  (`docs/capacity.md`, « Pourquoi pas plus loin »).
- **Page « Participer », phase de recueil** : ajouter une contribution redessine sa case, qui
  relit et redessine toutes les contributions des autres partenaires dans ce quadrant
  (`contributions.topic_items_for_participant`) : le coût croît avec l'atelier (voir le tableau de
  croissance). Le même traitement que la page de vote (les plus récentes d'abord, « Voir plus »)
  le bornerait ; chaque carte du partenaire porte deux boutons (« Modifier », « Supprimer »).
- **Ordre des cartes de vote** : chaque partenaire voit les contributions dans un ordre à lui
  (`ballot._CHOICE_ORDER`), calculé par la base. Les premières cartes de chaque quadrant sont un
  tri borné (`LIMIT 5`) lu dans l'index `item (topic_id, quadrant, hidden, merged_into_id)` ;
  une page d'un quadrant (« Voir les … ») trie encore toutes les contributions du quadrant
  (quelques millisecondes à 16×).
"""

METHOD = """\
- **Atelier de référence** (1×) : 150 participants, 1 200 contributions, 2 000 votes, les quatre
  sujets, le diagnostic et les fiches action de la démonstration ; généré par
  `measure/benchmarks/workshop.py` (graine fixe) et importé par `archive.import_archive` (le domaine :
  contraintes et déclencheurs tenus). 4× et 16× multiplient participants, contributions et votes.
- **Pages** : un vrai serveur `streamlit run app.py` lancé depuis la racine du projet (donc avec
  `.streamlit/config.toml`, les réglages livrés), piloté par le websocket
  (`measure.loadtest.AppSession`) comme un onglet de navigateur ; le temps d'une action va
  de l'envoi de la demande d'exécution à la réception de `script_finished` (exécution du script,
  transfert des messages sur la boucle locale). Les widgets sont trouvés par leurs clés
  (`new_…`, le composant des cartes de vote `participer_cards_…`, `refresh`), jamais par leur position.
- **Plancher des pages** : `measure/benchmarks/floor_page.py`, servi par son propre serveur Streamlit avec
  les mêmes réglages ; il dessine autant de widgets que la page mesurée en compte, et redessine
  autant d'éléments, de conteneurs et de caractères que l'action mesurée (dans un fragment si
  l'action en est un), sans base ni logique. Sujet et plancher alternent, mesure après mesure.
- **Requête d'agrégat** : `live.projection_snapshot` contre le même comptage écrit en SQL et
  exécuté par `sqlite3`, en alternance, dans ce processus.
- **Dix écrans** : un serveur lancé par `measure/benchmarks/counted_streamlit.py` (le même `streamlit`,
  plus un événement SQLAlchemy qui écrit chaque requête dans un fichier) ; dix onglets restent sur
  la projection et exécutent leurs minuteurs ; on compte les requêtes `GROUP BY item.topic_id,
  item.quadrant` (seul `projection_snapshot` l'exécute) pendant ce temps, par tour (chaque
  écran a rafraîchi ses deux fragments).
- **Écritures** : 200 fils, un participant chacun, `contributions.add_item` dans
  `db.write_session` (le moteur de l'application) ; plancher : les mêmes lignes par `sqlite3`, une
  connexion et une transaction (`BEGIN IMMEDIATE`) par ligne, mêmes pragmas (WAL,
  `synchronous=FULL`). Départ commun derrière une barrière ; les lignes sont comptées ensuite.
- **Export** : `convention_data` + `build_convention` contre python-docx écrivant le même texte
  (chaque paragraphe du document produit, cellules comprises) dans un document vierge.
- **Première visite** (`measure/benchmarks/first_visit.py`, `python -m measure.first_visit`) : le
  Chromium de Debian piloté par Playwright, écran de téléphone 360 × 740, profil neuf à chaque
  visite (cache vide), émulation du protocole DevTools : réseau (`Network.emulateNetworkConditions`,
  lent 1,6 Mbit/s et 150 ms, 4G 9 Mbit/s et 70 ms) et processeur 4 × plus lent
  (`Emulation.setCPUThrottlingRate`). Temps : de la navigation vers `/participer?atelier=ARMDEMO`
  au bouton « Rejoindre l'atelier » visible ; octets : ce que Chromium compte sur le fil
  (`encodedDataLength`, en-têtes compris) jusqu'au réseau calme, plus les trames du websocket.
  Plancher : la même mesure d'une page Streamlit nue (`measure/floor_first_visit.py`, un
  `st.write`), servie de même, jusqu'à son texte.
- **Statistiques** : médiane ; dispersion en quartiles [Q1–Q3] et extrêmes (min–max) ; n mesures
  après échauffement. Rapport = médiane du sujet / médiane du plancher. Croissance : exposant k de
  coût ∝ tailleᵏ ajusté sur 1×, 4×, 16× (0 : constant, 1 : linéaire, au-delà : plus que
  linéaire). Moins de répétitions aux grandes tailles (colonne n).
"""


def _find(figures: Iterable[Figure], key: str, scale: float) -> Figure | None:
    return next((f for f in figures if f.key == key and f.scale == scale), None)


def _versus(figure: Figure | None) -> str:
    """« 45 ms contre 48 ms pour le plancher (0,94×) »."""
    if figure is None:
        return "non mesuré"
    if figure.floor is None:
        return amount(figure.subject.median, figure.unit)
    return (
        f"{amount(figure.subject.median, figure.unit)} contre {amount(figure.floor.median, figure.unit)} "
        f"pour le plancher ({number(figure.ratio, 2)}×)"
    )


def reading(results: Results) -> str:
    """What the figures say, with the figures of this run."""
    first, last = results.plan.scales[0], results.plan.scales[-1]
    f = results.figures

    def at(key: str, scale: float) -> str:
        return _versus(_find(f, key, scale))

    shipped = _find(f, "partner.add_item", first)
    plain = _find(results.diagnostics, "partner.add_item", first)
    nagle = (
        f"sans le lanceur, le plancher de l'ajout d'une contribution passe de {amount(shipped.floor.median, 's')} "
        f"à {amount(plain.floor.median, 's')}, et l'ajout lui-même de {amount(shipped.subject.median, 's')} "
        f"à {amount(plain.subject.median, 's')}"
        if shipped and plain and shipped.floor and plain.floor
        else "voir la section « Diagnostic »"
    )
    screens = _find(f, "projection.screens", first)
    lost = [x for x in f if x.key == "writes.lost"]
    return f"""\
- **Un geste du partenaire** ne redessine que son fragment (`st.fragment`), en une seule exécution
  du script : le rappel du bouton enregistre le point, la carte se redessine dans la même
  exécution et écrit le compteur « N points restants » dans son emplacement en haut de page.
  Ajouter une contribution : {at("partner.add_item", first)} à {first:g}×,
  {at("partner.add_item", last)} à {last:g}×. Placer ou retirer un point :
  {at("partner.dot", first)} à {first:g}×, {at("partner.dot", last)} à {last:g}×.
  La page de vote entière (« Actualiser », première ouverture) : {at("partner.refresh", first)} à
  {first:g}×, {at("partner.refresh", last)} à {last:g}×. Elle ne grandit plus avec l'atelier :
  elle montre 5 cartes par quadrant (« Voir les 50 forces » ouvre un quadrant, 10 cartes par page,
  « Mes points » retrouve ses choix), et la base ne lit que ces cartes et les comptes
  (`ballot.vote_page`). Avant : une carte par contribution du sujet, 568 ms à 1× et
  10,84 s à 16× ; chaque point coûtait deux exécutions et Streamlit y parcourait l'état de tous les
  widgets de la page (`SessionState._compact_state`).
- **Un délai réseau de ~40 ms, pas du calcul, supprimé par le lanceur.** Le serveur de Streamlit
  1.67 (Starlette/uvicorn) crée sa socket d'écoute sans protocole explicite (`socket.socket(family)`) ;
  asyncio ne pose alors pas `TCP_NODELAY` sur les connexions, et l'algorithme de Nagle retient les
  messages d'une exécution jusqu'à l'accusé de réception différé du client (40 ms sous Linux, jusqu'à
  200 ms sous Windows). L'application se lance donc par `python serve.py`
  (`make run`, déploiement, tests, ce banc) : `streamlit run app.py`, mais avec une socket d'écoute
  TCP explicite, d'où `TCP_NODELAY` sur chaque connexion. Section « Diagnostic » : {nagle}.
- **Projection** : rafraîchir les compteurs, cache expiré : {at("projection.counters", first)} ; cache
  chaud : {at("projection.warm", first)} ; le sujet affiché : {at("projection.topic", first)}. Avant
  ce banc, l'histogramme des compteurs était reconstruit et validé par Altair à chaque
  rafraîchissement de chaque écran (~130 ms sur cette machine, 90 % de l'exécution au profil) ; il est
  désormais gardé en cache comme spécification Vega-Lite, par valeur des comptes
  (`ui/projection.py` : `quadrant_counts_spec`, et `ranking_spec` pour le classement une fois clos).
  Le sujet affiché ne lit plus que les six contributions les plus récentes de chaque quadrant et
  leurs comptes (`live.swot_matrix(newest=…)`, classement par la base) au lieu de tout le sujet,
  recopié du cache à chaque rafraîchissement de chaque écran. Requête d'agrégat :
  {at("projection.query", first)}, {at("projection.query", last)} à {last:g}× : le nombre de votants
  (`live.voter_count`) comptait les votants distincts de toute la table `vote`, sans index sur
  l'atelier (73 ms à 16×, plus que linéaire) ; il part maintenant des participants de l'atelier et
  sonde la clé (participant, contribution) du vote (1,6 ms à 16×). Le plancher SQL fait de même.
  Dix écrans : {amount(screens.subject.median, "requêtes") if screens else "—"} calcul de l'agrégat
  par intervalle : le cache partagé (`st.cache_data`, 4 s) sert les dix.
- **Écritures simultanées** : {at("writes.add_item", first)} à {first:g}×,
  {at("writes.add_item", last)} à {last:g}× ; contributions perdues :
  {", ".join(f"{number(x.subject.median, 0)} à {x.scale:g}×" for x in lost) or "—"}. Les deux vont au
  rythme que permet la synchronisation du disque (`synchronous=FULL`, une par transaction). Le
  rapport varie d'une exécution du banc à l'autre (de 0,8× à 2,4× au fil de ce travail) : le pool du
  moteur (20 connexions, 40 de plus au besoin) fait patienter ses fils dans Python, alors que les 200
  connexions du plancher se disputent le verrou d'écriture de SQLite, dont l'attente dort par paliers
  croissants (jusqu'à 100 ms) ; selon l'ordre des réveils, l'un ou l'autre passe devant. Le domaine
  ne coûte donc pas plus que l'écriture elle-même, et ne perd rien.
- **Projet de convention** : premier export {at("export.convention", first)} ; export suivant
  {at("export.again", first)} à {first:g}× ({at("export.again", last)} à {last:g}×). Le profil
  montrait les aides python-docx des tableaux (annexe : quatre cellules par contribution) puis les
  graphiques. Les aides de `ctg_workshop/documents/word.py` écrivent maintenant le XML des
  cellules directement (même document, octet pour octet, hormis des `<w:rPr/>` vides) et
  `charts.ranking_png` garde les images des graphiques : l'annexe coûte ~4 fois moins, et l'export
  suivant ne redessine rien. Les quatre graphiques du vote, rendus par vl-convert, coûtaient
  0,1 à 0,35 s chacun (0,8 s au premier appel d'un processus), en gardant le GIL : le premier
  export faisait 2,14 s, 9,2 fois son plancher. Ils sont maintenant dessinés avec Pillow
  (`charts.ranking_png`, ~14 ms chacun, même graphique, police Source Sans de Streamlit) et portent
  une alternative textuelle ; vl-convert ne sert plus que si aucune police avec les accents
  français n'est trouvée. À 16×, le plancher lui-même
  dépasse {amount(_floor_median(f, "export.again", last), "s")} : aucun document Word de ce volume
  ne s'écrit en moins de 2 s avec python-docx, et le rapport au plancher y est ce qui compte.
"""


def _floor_median(figures: Iterable[Figure], key: str, scale: float) -> float:
    figure = _find(figures, key, scale)
    return figure.floor.median if figure is not None and figure.floor is not None else math.nan


def number(value: float, digits: int = 1) -> str:
    if math.isnan(value):
        return "—"
    return f"{value:,.{digits}f}".replace(",", " ").replace(".", ",")


def amount(value: float, unit: str) -> str:
    if math.isnan(value):
        return "—"
    if unit == "s":
        if value < 0.01:
            return f"{number(value * 1000, 1)} ms"
        if value < 1:
            return f"{number(value * 1000, 0)} ms"
        return f"{number(value, 2)} s"
    if unit == "requêtes":
        return number(value, 2)
    if unit == "Mio":
        return f"{number(value, 2)} Mio"
    return f"{number(value, 0)} {unit}"


def spread(samples: Samples, unit: str) -> str:
    q1, q3 = samples.quartiles
    return (
        f"{amount(samples.median, unit)} [{amount(q1, unit)}–{amount(q3, unit)}] "
        f"({amount(samples.low, unit)}–{amount(samples.high, unit)}), n={len(samples)}"
    )


def verdict(figure: Figure) -> str:
    met = figure.met()
    return "—" if met is None else ("oui" if met else "**non**")


def targets(figure: Figure) -> str:
    return " et ".join(t.describe(figure.unit) for t in figure.targets) or "—"


def _ordered(figures: Iterable[Figure]) -> list[Figure]:
    rank = {key: index for index, key in enumerate(ORDER)}
    return sorted(figures, key=lambda f: (rank.get(f.key, len(ORDER)), f.scale))


def summary_table(figures: list[Figure], scale: float) -> list[str]:
    lines = [
        "| mesure | sujet (médiane) | plancher (médiane) | rapport | cible | tenue ? |",
        "| --- | ---: | ---: | ---: | --- | :---: |",
    ]
    for figure in _ordered(f for f in figures if f.scale == scale):
        floor = amount(figure.floor.median, figure.unit) if figure.floor is not None else "—"
        ratio = f"{number(figure.ratio, 2)}×" if not math.isnan(figure.ratio) else "—"
        lines.append(
            f"| {figure.title} | {amount(figure.subject.median, figure.unit)} | {floor} | {ratio} | "
            f"{targets(figure)} | {verdict(figure)} |"
        )
    return lines


def growth_word(exponent: float) -> str:
    if math.isnan(exponent):
        return "—"
    if exponent < 0.25:
        return "constant"
    if exponent < 0.75:
        return "sous-linéaire"
    if exponent <= 1.2:
        return "linéaire"
    return "**plus que linéaire**"


def growth_table(figures: list[Figure], scales: tuple[float, ...]) -> list[str]:
    head = " | ".join(f"{s:g}×" for s in scales)
    lines = [
        f"| mesure | {head} | exposant k | croissance | tenue à chaque taille ? |",
        "| --- | " + " | ".join("---:" for _ in scales) + " | ---: | --- | --- |",
    ]
    keys = [key for key in ORDER if any(f.key == key for f in figures)]
    for key in keys:
        row = {f.scale: f for f in figures if f.key == key}
        present = [s for s in scales if s in row]
        cells = " | ".join(amount(row[s].subject.median, row[s].unit) if s in row else "—" for s in scales)
        exponent = (
            growth_exponent(present, [row[s].subject.median for s in present])
            if len(present) > 1
            else math.nan
        )
        if row[present[0]].unit != "s":
            word = "débit" if "/s" in row[present[0]].unit else "compte"
        else:
            word = growth_word(exponent)
        verdicts = ", ".join(f"{s:g}× {verdict(row[s])}" for s in present)
        lines.append(f"| {row[present[0]].title} | {cells} | {number(exponent, 2)} | {word} | {verdicts} |")
    return lines


def detail_lines(figures: list[Figure]) -> list[str]:
    lines = []
    for figure in _ordered(figures):
        lines.append(f"- **{figure.title}** ({figure.scale:g}×) : {spread(figure.subject, figure.unit)}")
        if figure.floor is not None:
            lines.append(f"  - plancher ({figure.floor_title}) : {spread(figure.floor, figure.unit)}")
        for note in figure.notes:
            lines.append(f"  - {note}")
    return lines


def diagnostic_lines(results: Results) -> list[str]:
    if not results.diagnostics:
        return ["(non mesuré dans cette exécution)"]
    shipped = {f.key: f for f in results.figures if f.scale == results.plan.scales[0]}
    lines = [
        "| mesure (1×) | livré (lanceur) : sujet / plancher | `streamlit run` seul : sujet / plancher | rapport sans le lanceur |",
        "| --- | ---: | ---: | ---: |",
    ]
    for figure in _ordered(results.diagnostics):
        before = shipped.get(figure.key)
        shipped_cell = (
            f"{amount(before.subject.median, 's')} / {amount(before.floor.median, 's')}"
            if before is not None and before.floor is not None
            else "—"
        )
        floor = amount(figure.floor.median, "s") if figure.floor is not None else "—"
        lines.append(
            f"| {figure.title} | {shipped_cell} | {amount(figure.subject.median, 's')} / {floor} | "
            f"{number(figure.ratio, 2)}× |"
        )
    return lines


def machine_lines(results: Results) -> list[str]:
    m = results.machine
    packages = ", ".join(f"{name} {version}" for name, version in m.packages)
    before = " / ".join(number(x, 2) for x in results.load_before)
    after = " / ".join(number(x, 2) for x in results.load_after)
    return [
        f"- Processeur : {m.processor}, {m.cores} cœurs ; mémoire : {number(m.memory_gib, 1)} Gio ; {m.system}",
        f"- Python {m.python}, SQLite {m.sqlite} ; {packages}",
        f"- Charge moyenne (1, 5, 15 min) au début : {before} ; à la fin : {after}. La machine de "
        "développement est partagée : une charge au-delà du nombre de cœurs gonfle les temps absolus ; "
        "les rapports, mesurés en alternance, en souffrent moins.",
    ]


def commit_line(results: Results) -> str:
    c = results.commit
    line = f"commit `{c.sha}` ({c.date})"
    if c.dirty:
        shown = ", ".join(f"`{entry}`" for entry in c.dirty[:12])
        more = f" et {len(c.dirty) - 12} autres" if len(c.dirty) > 12 else ""
        line += f", avec des modifications non validées : {shown}{more}"
    return line


def profile_lines(results: Results) -> list[str]:
    profile = results.profile
    if profile is None:
        return ["(pas de profil dans cette exécution)"]
    figure = profile.figure
    return [
        f"Mesure la plus éloignée de sa cible à {figure.scale:g}× : **{figure.title}** "
        f"({amount(figure.subject.median, figure.unit)}, cible {targets(figure)}). "
        f"Profil pyinstrument ({profile.how}) :",
        "",
        "```text",
        profile.text,
        "```",
    ]


def render(results: Results) -> str:
    scales = results.plan.scales
    minutes, seconds = divmod(round(results.seconds), 60)
    sizes = "\n".join(f"- {s:g}× : {results.sizes[s]}" for s in scales if s in results.sizes)
    parts = [
        "# Ce que coûte chaque action, face à son plancher",
        "",
        f"Généré par `{results.command}` le {results.started}, sur le {commit_line(results)}. "
        f"Durée totale : {minutes} min {seconds:02d} s. Ne pas modifier à la main : relancer `make bench`.",
        "",
        "## Machine",
        "",
        *machine_lines(results),
        "",
        "## Commande",
        "",
        "```sh",
        "make bench                                          # = .venv/bin/python -m measure.benchmarks",
        ".venv/bin/python -m measure.benchmarks --sizes 1    # une seule taille (≈ 2 min)",
        ".venv/bin/python -m measure.benchmarks --help",
        "```",
        "",
        "Tailles mesurées :",
        "",
        sizes,
        "",
        f"## Résumé ({scales[0]:g}×, l'atelier de référence)",
        "",
        *summary_table(results.figures, scales[0]),
        "",
        "## Croissance avec la taille de l'atelier",
        "",
        *growth_table(results.figures, scales),
        "",
        "## Lecture",
        "",
        reading(results),
        "## Ce que le banc a corrigé",
        "",
        CORRECTIONS,
        "## Diagnostic : le délai de Nagle (`TCP_NODELAY`)",
        "",
        "Les mêmes gestes à 1×, sur un serveur de l'application et un serveur du plancher lancés par "
        "`streamlit run` seul, sans le lanceur `python serve.py` (donc sans `TCP_NODELAY`) : "
        "ce que le lanceur épargne à chaque geste.",
        "",
        *diagnostic_lines(results),
        "",
        "## Profil",
        "",
        *profile_lines(results),
        "",
        "## Ce qui reste",
        "",
        REMAINING,
        "## Détail des mesures",
        "",
        "Médiane [Q1–Q3] (min–max), n mesures.",
        "",
        *detail_lines(results.figures),
        "",
        "## Méthode",
        "",
        METHOD,
        "## Durée des étapes",
        "",
        "Charge moyenne sur 1 minute relevée à la fin de chaque étape (2 cœurs : au-delà de 2, des "
        "processus attendent le processeur).",
        "",
        "| étape | durée | charge |",
        "| --- | ---: | ---: |",
        *(
            f"| {name} | {number(seconds, 1)} s | {number(load, 1)} |"
            for name, seconds, load in results.steps
        ),
        "",
    ]
    return "\n".join(parts)
