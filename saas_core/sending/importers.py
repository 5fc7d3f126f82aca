"""Importing addresses onto the suppression list (an ESP's unsubscribe export, a do-not-call list).

One row per address; the channel is read from its column or, when there is none, from the
address (an @ makes it e-mail). An address already on the list is a duplicate (update mode
refreshes its note); the reason defaults to "Imported"."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from saas_core.imports.registry import Column, Existing, Importer, Row, choice_parser, register_importer
from saas_core.sending import addresses, suppression
from saas_core.sending.models import Channel, Reason, Suppression

CHANNEL_NAMES = {Channel.EMAIL.value: ("邮件", "电子邮件", "邮箱", "E-mail", "email", "mail"),
                 Channel.SMS.value: ("短信", "手机", "SMS", "mobile", "text")}
REASON_NAMES = {
    Reason.OPT_OUT.value: ("退订", "Opted out", "opt-out"), Reason.UNSUBSCRIBE.value: ("取消订阅", "Unsubscribed"),
    Reason.HARD_BOUNCE.value: ("硬退信", "Hard bounce", "bounce"), Reason.COMPLAINT.value: ("投诉", "Complaint", "spam"),
    Reason.MANUAL.value: ("手工添加", "Added by hand", "manual"), Reason.IMPORTED.value: ("导入", "Imported"),
}


class SuppressionImporter(Importer):
    key = "suppression"
    label = gettext_lazy("Suppression list")
    module = "suppression"
    template_name = "suppression-template"
    columns = [
        Column("address", "地址", "Address", required=True, max_length=254,
               aliases=("邮箱", "电子邮件", "手机", "手机号", "手机号码", "email", "e-mail", "mobile", "number"),
               example="someone@example.com"),
        Column("channel", "渠道", "Channel", parse=choice_parser(CHANNEL_NAMES.items()), example="邮件",
               repeats=True),
        Column("reason", "原因", "Reason", parse=choice_parser(REASON_NAMES.items()), example="退订", repeats=True),
        Column("note", "备注", "Note", max_length=200),
    ]

    def clean(self, row: Row, ctx: dict) -> None:
        values = row.values
        channel = values.get("channel") or (Channel.EMAIL.value if "@" in values.get("address", "") else
                                            Channel.SMS.value)
        try:
            values["address"] = addresses.normalise(channel, values["address"])
        except ValidationError as exc:
            row.reject(" ".join(exc.messages), "address")
            return
        values["channel"] = channel

    def duplicate_keys(self, row: Row) -> list[str]:
        return [f"{row.values.get('channel')}:{row.values.get('address')}"] if row.values.get("address") else []

    def find_existing(self, rows: list[Row], ctx: dict) -> dict[int, Existing]:
        wanted = {(r.values["channel"], r.values["address"]): r.index for r in rows if r.values.get("address")}
        found = Suppression.objects.filter(address__in=[a for _c, a in wanted]).values_list("pk", "channel", "address")
        return {wanted[(c, a)]: Existing(pk, a, _("already on the suppression list"))
                for pk, c, a in found if (c, a) in wanted}

    def create_one(self, row: Row, ctx: dict) -> None:
        values = row.values
        suppression.suppress(values["channel"], values["address"], reason=values.get("reason") or Reason.IMPORTED,
                             by=ctx["user"], note=values.get("note", ""), source=_("import"), check_permission=False)

    def update_one(self, row: Row, existing: Existing, ctx: dict) -> None:
        if "note" in row.values:
            Suppression.objects.filter(pk=existing.pk).update(note=row.values["note"][:200])


register_importer(SuppressionImporter())
