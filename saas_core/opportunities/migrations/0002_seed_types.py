"""Default opportunity types and their stages in every new company (cloned from the template schema).

Frozen here on purpose, like the dictionaries' seeds: a company's own edits are never overwritten.
"""

from django.db import migrations

STANDARD = [
    ("初步接洽", "Initial contact", 10, "open"),
    ("需求分析", "Needs analysis", 30, "open"),
    ("方案报价", "Proposal and quote", 50, "open"),
    ("商务谈判", "Negotiation", 80, "open"),
    ("赢单", "Won", 100, "won"),
    ("输单", "Lost", 0, "lost"),
]
TENDER = [
    ("获取招标信息", "Tender notice", 10, "open"),
    ("购买标书", "Tender documents bought", 20, "open"),
    ("投标", "Bid submitted", 40, "open"),
    ("开标评标", "Bid opening and evaluation", 60, "open"),
    ("中标", "Won the bid", 100, "won"),
    ("未中标", "Lost the bid", 0, "lost"),
]
TYPES = [
    ("新客户新业务", "New business", STANDARD),
    ("老客户增购", "Upsell to existing customer", STANDARD),
    ("续约续费", "Renewal", STANDARD),
    ("竞品替换", "Competitive replacement", STANDARD),
    ("项目招投标", "Tender", TENDER),
]


def seed(apps, schema_editor):
    OpportunityType = apps.get_model("opportunities", "OpportunityType")
    Stage = apps.get_model("opportunities", "Stage")
    if OpportunityType.objects.exists():
        return
    for position, (zh, en, stages) in enumerate(TYPES, start=1):
        kind = OpportunityType.objects.create(name_zh=zh, name_en=en, position=position)
        Stage.objects.bulk_create([
            Stage(type=kind, name_zh=s_zh, name_en=s_en, probability=p, outcome=outcome, position=i)
            for i, (s_zh, s_en, p, outcome) in enumerate(stages, start=1)
        ])


class Migration(migrations.Migration):
    dependencies = [("opportunities", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
