"""G220 credential-with-medium: the password travels with the medium it unlocks.

何を調べるか (What it does)
    認証情報（パスワード通知書、ID・パスワード）の項目を、他の個人情報と同じ電磁的媒体の手順で運ぶこと。
    または同じ ``occasion`` の二つの手順で、一方が媒体を、他方が認証情報を渡すこと。
    A step that carries a 認証情報 data item (password slip, ID/password) together
    with other personal data on 電磁的媒体, or two steps of the same
    ``occasion`` of which one hands over a medium and the other a credential.

なぜ (Why)
    チェックリスト 5・7: 媒体とパスワード通知書は別の機会に渡し、片方をなくしてもデータが漏れないようにします。
    Checklists 5 and 7: the medium and its password slip are handed over on
    separate occasions, so that losing one does not expose the data.

違反例 (Example)
    ``{n: 2, medium: 電磁的媒体, data: [name, password_slip]}``

修正例 (Use instead)
    パスワード通知書は別の ``occasion`` の手順で渡してください。
    Hand the password slip over in its own step with a different ``occasion``.
"""

from collections import defaultdict

from piflow.audit.context import Problem
from piflow.audit.declare import rule
from piflow.vocab import DataClass, Medium


@rule(code="G220", name="credential-with-medium", severity="error",
      title="パスワードが媒体と同じ機会に渡る", title_en="credential handed over with the medium it unlocks",
      checklist=("チェックリスト5 運用上の対策 7",))
def check(ctx):
    facts = ctx.facts

    def split(ref):
        classes = {d: ctx.flow.data_by_id[d].class_ for d in facts.carried(ref)}
        creds = {d for d, c in classes.items() if c is DataClass.CREDENTIAL}
        return creds, set(classes) - creds

    by_occasion = defaultdict(list)
    for ref in facts.steps:
        creds, others = split(ref)
        if ref.step.occasion:
            by_occasion[(ref.scenario.id, ref.step.occasion)].append(ref)
        if creds and others and ref.step.medium is Medium.REMOVABLE:
            yield Problem(ctx.step(ref), "媒体とパスワード（認証情報）を同じ手順で渡しています",
                          "the medium and its password travel in the same step",
                          "パスワード通知書は別の機会の手順に分けてください")
    for refs in by_occasion.values():
        media = [r for r in refs if r.step.medium is Medium.REMOVABLE and split(r)[1]]
        creds = [r for r in refs if split(r)[0]]
        for ref in creds:
            if any(m is not ref for m in media):
                yield Problem(ctx.step(ref), f"パスワード（認証情報）を媒体と同じ機会「{ref.step.occasion}」に渡しています",
                              "the password is handed over on the same occasion as the medium",
                              "別の日・別の担当者など、別の機会に渡してください")
