"""Browsing by the framework: the dashboard, a judgement area, a criterion, the documents."""
from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, abort, render_template, request

from kb import framework
from kb.evidence import CriterionEvidence, matches
from web import ours, params
from web.dashboard import area_summaries, newest_evidence, recent_cutoff, recent_documents, stale_criteria
from web.state import current

bp = Blueprint("browse", __name__)

# Items shown per criterion and stance on a judgement page; the criterion page has them all.
PER_CRITERION = 3
# Items per list (voice x stance) on one page of a criterion.
PER_PAGE = 20


@bp.get("/")
def home():
    f = params.filters()
    snap = current().snapshot()
    s = ours.scope(snap, f.authority)
    return render_template("home.html", areas=area_summaries(snap, f, s), recent=recent_documents(snap.documents),
                           filters=f, snap=snap, total_documents=len(snap.documents), scope=s)


@bp.get("/judgement/<jid>")
def judgement(jid: str):
    if jid not in framework.JUDGEMENT_IDS:
        abort(404)
    f = params.filters()
    snap = current().snapshot()
    s = ours.scope(snap, f.authority)
    key = ("judgement", jid, tuple(sorted(f.query_args().items())), s.key())

    def make():
        own, elsewhere = ours.split(snap.groups(jid, f.evidence()), s)
        rows, newest = _criterion_rows(own, snap)
        return rows, newest, (_criterion_rows(elsewhere, snap)[0] if s.comparators else [])

    rows, newest, comparators = snap.view(key, make)
    cutoff = recent_cutoff()
    return render_template("judgement.html", judgement=framework.judgement(jid), rows=rows, filters=f, snap=snap,
                           newest=newest, stale=stale_criteria(newest, cutoff), cutoff=cutoff, scope=s,
                           comparators=comparators)


def _criterion_rows(groups: list[CriterionEvidence], snap) -> tuple[list[dict], dict]:
    """Per criterion, its newest strengths and areas for development with their counts;
    and the date of each criterion's newest evidence."""
    rows = []
    for g in groups:
        strengths, developments = g.by_stance("strength"), g.by_stance("development")
        rows.append({"group": g, "strengths": strengths[:PER_CRITERION], "developments": developments[:PER_CRITERION],
                     "n_strengths": len(strengths), "n_developments": len(developments)})
    return rows, newest_evidence(groups, snap.by_doc)


@bp.get("/criterion/<cid>")
def criterion(cid: str):
    try:
        crit = framework.criterion(cid)
    except KeyError:
        abort(404)
    f = params.filters()
    page = params.page_number(request.args)
    snap = current().snapshot()
    s = ours.scope(snap, f.authority)
    whole = snap.criterion(cid, f.evidence())
    own, elsewhere = ours.split([whole], s)
    group = own[0]
    start = (page - 1) * PER_PAGE
    columns, more = [], False
    for voice, items in (("inspectors", group.by_voice("inspectors")), ("authority", group.by_voice("authority")),
                         ("elsewhere", (elsewhere[0].items if elsewhere else []) if s.comparators and s.names else None)):
        if items is None:
            continue
        spoken = CriterionEvidence(crit, items)
        lists = []
        for stance in ("strength", "development"):
            items = spoken.by_stance(stance)
            lists.append({"stance": stance, "total": len(items), "items": items[start:start + PER_PAGE]})
            more = more or len(items) > start + PER_PAGE
        columns.append({"voice": voice, "lists": lists})
    return render_template("criterion.html", criterion=crit, judgement=framework.judgement(crit.judgement),
                           columns=columns, filters=f, snap=snap, page=page, more=more, scope=s,
                           elsewhere=sum(len(g.items) for g in elsewhere),
                           latest=newest_evidence([group], snap.by_doc)[cid])


@bp.get("/documents")
def documents():
    f = params.filters()
    snap = current().snapshot()
    wanted = replace(f.evidence(), stance=None)     # a document has no stance of its own
    shown = [d for d in snap.documents if matches(d, wanted)]
    return render_template("documents.html", documents=shown, filters=f, snap=snap)
