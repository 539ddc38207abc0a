"""Browsing by the framework: the dashboard, a judgement area, a criterion, the documents."""
from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, abort, render_template, request

from kb import framework
from kb.evidence import CriterionEvidence, matches
from web import params
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
    return render_template("home.html", areas=area_summaries(snap, f), recent=recent_documents(snap.documents),
                           filters=f, snap=snap, total_documents=len(snap.documents))


@bp.get("/judgement/<jid>")
def judgement(jid: str):
    if jid not in framework.JUDGEMENT_IDS:
        abort(404)
    f = params.filters()
    snap = current().snapshot()
    key = ("judgement", jid, tuple(sorted(f.query_args().items())))
    rows, newest = snap.view(key, lambda: _criterion_rows(snap.groups(jid, f.evidence()), snap))
    cutoff = recent_cutoff()
    return render_template("judgement.html", judgement=framework.judgement(jid), rows=rows, filters=f, snap=snap,
                           newest=newest, stale=stale_criteria(newest, cutoff), cutoff=cutoff)


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
    group = snap.criterion(cid, f.evidence())
    start = (page - 1) * PER_PAGE
    columns, more = [], False
    for voice in ("inspectors", "authority"):
        spoken = CriterionEvidence(crit, group.by_voice(voice))
        lists = []
        for stance in ("strength", "development"):
            items = spoken.by_stance(stance)
            lists.append({"stance": stance, "total": len(items), "items": items[start:start + PER_PAGE]})
            more = more or len(items) > start + PER_PAGE
        columns.append({"voice": voice, "lists": lists})
    return render_template("criterion.html", criterion=crit, judgement=framework.judgement(crit.judgement),
                           columns=columns, filters=f, snap=snap, page=page, more=more,
                           latest=newest_evidence([group], snap.by_doc)[cid])


@bp.get("/documents")
def documents():
    f = params.filters()
    snap = current().snapshot()
    wanted = replace(f.evidence(), stance=None)     # a document has no stance of its own
    shown = [d for d in snap.documents if matches(d, wanted)]
    return render_template("documents.html", documents=shown, filters=f, snap=snap)
