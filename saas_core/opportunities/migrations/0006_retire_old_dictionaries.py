"""The pick-lists "opportunity type" and "opportunity stage" (DICT-01) are replaced by the Boss's
opportunity types with their own ordered stages (OpportunityType, Stage): nothing reads the lists
any more, so they go, and what a company had changed in them comes over first:

- a value the company added to the type list becomes a type of its own, with the stage list of the
  first type (its renamed or disabled seeded values rename or switch off the seeded type, if that
  type is still as seeded);
- a renamed seeded stage, or one with another win probability, changes the same stage of every type
  where it is still as seeded; a stage the company added becomes an open stage of those types,
  before their won and lost stages.

A value something still points to (no field of the product does; a module might) is kept, disabled.
"""

from django.db import IntegrityError, migrations, transaction
from django.db.models import ProtectedError

OLD_LISTS = ("opportunity_type", "opportunity_stage")
SEEDED_TYPES = {
    "new_business": ("新客户新业务", "New business"),
    "upsell": ("老客户增购", "Upsell to existing customer"),
    "renewal": ("续约续费", "Renewal"),
    "replacement": ("竞品替换", "Competitive replacement"),
    "tender": ("项目招投标", "Tender"),
}
SEEDED_STAGES = {
    "initial_contact": ("初步接洽", "Initial contact", 10),
    "needs_analysis": ("需求分析", "Needs analysis", 30),
    "proposal": ("方案报价", "Proposal and quote", 50),
    "negotiation": ("商务谈判", "Negotiation", 80),
    "won": ("赢单", "Won", 100),
    "lost": ("输单", "Lost", 0),
}


def _items(apps, key):
    DictionaryItem = apps.get_model("dictionaries", "DictionaryItem")
    return list(DictionaryItem.objects.filter(type__key=key).order_by("order", "id"))


def _carry_types(apps):
    OpportunityType = apps.get_model("opportunities", "OpportunityType")
    Stage = apps.get_model("opportunities", "Stage")
    template = OpportunityType.objects.order_by("position", "id").first()
    position = (OpportunityType.objects.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    for item in _items(apps, "opportunity_type"):
        if item.is_builtin and item.key in SEEDED_TYPES:
            zh, en = SEEDED_TYPES[item.key]
            changed = (item.label_zh or zh, item.label_en or en) != (zh, en) or not item.is_active
            if changed:
                OpportunityType.objects.filter(name_zh=zh, name_en=en, is_active=True).update(
                    name_zh=item.label_zh or zh, name_en=item.label_en or en, is_active=item.is_active)
            continue
        if OpportunityType.objects.filter(name_zh=item.label_zh, name_en=item.label_en).exists():
            continue
        kind = OpportunityType.objects.create(name_zh=item.label_zh, name_en=item.label_en, position=position,
                                              is_active=item.is_active)
        position += 1
        if template is not None:
            Stage.objects.bulk_create([
                Stage(type=kind, name_zh=s.name_zh, name_en=s.name_en, position=s.position, probability=s.probability,
                      outcome=s.outcome)
                for s in Stage.objects.filter(type=template).order_by("position", "id")
            ])


def _carry_stages(apps):
    Stage = apps.get_model("opportunities", "Stage")
    items = _items(apps, "opportunity_stage")
    standard_types = None
    for item in items:
        if not (item.is_builtin and item.key in SEEDED_STAGES):
            continue
        zh, en, probability = SEEDED_STAGES[item.key]
        wanted = (item.label_zh or zh, item.label_en or en, int((item.extra or {}).get("probability", probability)))
        seeded = Stage.objects.filter(name_zh=zh, name_en=en, probability=probability)
        if item.key == "initial_contact":  # the types that still follow the seeded process
            standard_types = set(seeded.values_list("type_id", flat=True))
        if wanted != (zh, en, probability):
            seeded.update(name_zh=wanted[0], name_en=wanted[1], probability=wanted[2])
    added = [i for i in items if not i.is_builtin and i.is_active]
    for type_id in sorted(standard_types or ()):
        stages = list(Stage.objects.filter(type_id=type_id).order_by("position", "id"))
        names = {(s.name_zh, s.name_en) for s in stages}
        new = [i for i in added if (i.label_zh, i.label_en) not in names]
        if not new:
            continue
        opens = [s for s in stages if s.outcome == "open"]
        closed = [s for s in stages if s.outcome != "open"]
        position = (opens[-1].position if opens else 0) + 1
        for stage in closed:  # make room before won and lost
            Stage.objects.filter(pk=stage.pk).update(position=stage.position + len(new))
        Stage.objects.bulk_create([
            Stage(type_id=type_id, name_zh=i.label_zh, name_en=i.label_en, position=position + n, outcome="open",
                  probability=min(100, max(0, int((i.extra or {}).get("probability", 0)))))
            for n, i in enumerate(new)
        ])


def retire(apps, schema_editor):
    DictionaryType = apps.get_model("dictionaries", "DictionaryType")
    DictionaryItem = apps.get_model("dictionaries", "DictionaryItem")
    _carry_types(apps)
    _carry_stages(apps)
    for list_type in DictionaryType.objects.filter(key__in=OLD_LISTS):
        kept = False
        for item in DictionaryItem.objects.filter(type=list_type):
            try:
                with transaction.atomic():
                    item.delete()
            except (ProtectedError, IntegrityError):
                DictionaryItem.objects.filter(pk=item.pk).update(is_active=False)
                kept = True
        if not kept:
            list_type.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("dictionaries", "0002_seed_defaults"),
        ("opportunities", "0005_kanban_index_drop_unused"),
    ]
    operations = [migrations.RunPython(retire, migrations.RunPython.noop)]
