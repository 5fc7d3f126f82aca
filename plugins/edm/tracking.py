"""Open pixel and click redirect (EDM-01): signed per-recipient links, counters as events arrive.

Each tracked message carries a 1×1 pixel and its links rewritten to ``/edm/t/c/<token>/``. A
token is signed (an HMAC with the secret key and its own salt) over the company's schema, the recipient and
the link's place in the campaign's link list (fixed when the campaign starts): a forged or
altered token, or one of another company, gets 404, and a click can only lead to a link the
campaign itself contained (no open redirect).

Counters (``Campaign.opens_*``/``clicks_*``) are raised with one UPDATE … F() as each event
arrives; the results page reads them and never counts rows. Likely automatic events are counted
apart and do not make a recipient an "opener" or a "clicker":

- machine opens: privacy proxies and prefetchers (Apple Mail Privacy Protection, Gmail's image
  proxy fetching at delivery, Outlook's prefetch) by user agent, and any open within
  ``MACHINE_OPEN_SECONDS`` of the send (no person reads that fast);
- scanner clicks: a HEAD request, a known link scanner's user agent, a click within
  ``SCANNER_CLICK_SECONDS`` of the send, or the recipient's ``SCAN_BURST``-th distinct link within
  ``SCAN_BURST_SECONDS`` (security gateways follow every link of a message at once).
"""

from __future__ import annotations

import re
from datetime import timedelta
from html import escape, unescape

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from plugins.edm.models import Campaign, CampaignEvent, CampaignRecipient, CampaignVariant

SALT = "plugins.edm.tracking"
OPEN = -1
MAX_LINKS = 200
MACHINE_OPEN_SECONDS = 10
SCANNER_CLICK_SECONDS = 10
SCAN_BURST = 3
SCAN_BURST_SECONDS = 5

HREF_RE = re.compile(r"""(<a\b[^>]*?\bhref\s*=\s*)(["'])(.*?)\2""", re.IGNORECASE | re.DOTALL)
# Privacy proxies and prefetchers that fetch images without a person opening the message.
MACHINE_OPEN_AGENTS = re.compile(
    r"GoogleImageProxy|ggpht\.com|YahooMailProxy|Outlook-iOS-Android|Microsoft Office Protocol Discovery|"
    r"Barracuda|Mimecast|Proofpoint|^Mozilla/5\.0$|bot\b|crawler|spider|preview", re.IGNORECASE)
# Link scanners of mail security gateways, and programs rather than browsers.
SCANNER_AGENTS = re.compile(
    r"Barracuda|Mimecast|Proofpoint|ppops|Symantec|MessageLabs|Trend ?Micro|Forcepoint|FireEye|SafeLinks|"
    r"Microsoft Office|python-requests|curl/|Wget|Go-http-client|Java/|libwww|okhttp|bot\b|crawler|spider|"
    r"HeadlessChrome", re.IGNORECASE)


# --- links in the message ------------------------------------------------------------------------


def extract_links(html: str) -> list[str]:
    """The message's http(s) links, each once, in order (the list click tokens point into).
    Links with a variable in them differ per recipient and are left as they are."""
    found: list[str] = []
    for match in HREF_RE.finditer(html or ""):
        url = unescape(match.group(3).strip())
        if url.lower().startswith(("http://", "https://")) and "{" not in url and url not in found:
            found.append(url)
            if len(found) >= MAX_LINKS:
                break
    return found


def token(recipient_id: int, index: int) -> str:
    """``<recipient>.<link>.<mac>``: an HMAC (SECRET_KEY, its own salt) over the company's schema,
    the recipient and the link; short, and cheap enough for every link of every message."""
    return f"{recipient_id}.{index}.{_mac(connection.schema_name, recipient_id, index)}"


def _mac(schema: str, recipient_id: int, index: int) -> str:
    return salted_hmac(SALT, f"{schema}:{recipient_id}:{index}", algorithm="sha256").hexdigest()[:24]


def read(value: str) -> tuple[int, int] | None:
    """(recipient id, link index) of a genuine token of this company, else None."""
    parts = (value or "").split(".")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].lstrip("-").isdigit():
        return None
    recipient_id, index = int(parts[0]), int(parts[1])
    if not constant_time_compare(parts[2], _mac(connection.schema_name, recipient_id, index)):
        return None
    return recipient_id, index


def open_path(recipient_id: int) -> str:
    return f"/edm/t/o/{token(recipient_id, OPEN)}/"


def click_path(recipient_id: int, index: int) -> str:
    return f"/edm/t/c/{token(recipient_id, index)}/"


def instrument(html: str, *, links: list[str], recipient_id: int, base: str) -> str:
    """The message with its campaign links through the click redirect and the pixel at the end."""
    places = {url: i for i, url in enumerate(links)}
    made: dict[int, str] = {}  # a link repeated in the message gets its token once

    def rewrite(match: re.Match) -> str:
        index = places.get(unescape(match.group(3).strip()))
        if index is None:
            return match.group(0)
        if index not in made:
            made[index] = escape(base + click_path(recipient_id, index))
        return f"{match.group(1)}{match.group(2)}{made[index]}{match.group(2)}"

    html = HREF_RE.sub(rewrite, html)
    pixel = (f'<img src="{escape(base + open_path(recipient_id))}" width="1" height="1" alt="" '
             'style="display:block;border:0;width:1px;height:1px">')
    head, body_end, tail = html.rpartition("</body>")
    return f"{head}{pixel}{body_end}{tail}" if body_end else html + pixel


# --- events ------------------------------------------------------------------------------------


def _sent_recently(recipient: CampaignRecipient, seconds: int, now) -> bool:
    return recipient.sent_at is not None and now - recipient.sent_at < timedelta(seconds=seconds)


def is_machine_open(recipient: CampaignRecipient, user_agent: str, now) -> bool:
    return bool(not user_agent.strip() or MACHINE_OPEN_AGENTS.search(user_agent)
                or _sent_recently(recipient, MACHINE_OPEN_SECONDS, now))


def is_scanner_click(recipient: CampaignRecipient, url: str, user_agent: str, method: str, now) -> bool:
    if method == "HEAD" or not user_agent.strip() or SCANNER_AGENTS.search(user_agent):
        return True
    if _sent_recently(recipient, SCANNER_CLICK_SECONDS, now):
        return True
    others = (CampaignEvent.objects.filter(recipient=recipient, kind=CampaignEvent.Kind.CLICK,
                                           at__gte=now - timedelta(seconds=SCAN_BURST_SECONDS))
              .exclude(url=url).values("url").distinct().count())
    return others + 1 >= SCAN_BURST


def _recipient(recipient_id: int) -> CampaignRecipient | None:
    return (CampaignRecipient.objects.select_related("campaign", "variant")
            .filter(pk=recipient_id, sent_at__isnull=False).first())


# kind -> (the recipient's first-time field, its count, the campaign's total, unique and automatic counters)
COUNTERS = {
    CampaignEvent.Kind.OPEN: ("opened_at", "opens", "opens_total", "opens_unique", "opens_machine"),
    CampaignEvent.Kind.CLICK: ("clicked_at", "clicks", "clicks_total", "clicks_unique", "clicks_scanner"),
}


def _count(recipient: CampaignRecipient, kind: str, *, automatic: bool, now, user_agent: str, url: str = "") -> None:
    """The event in the history and its counters, in one transaction (each one UPDATE … F())."""
    first_field, own, total, unique, machine_counter = COUNTERS[kind]
    campaign = Campaign.objects.filter(pk=recipient.campaign_id)
    with transaction.atomic():
        CampaignEvent.objects.create(campaign_id=recipient.campaign_id, recipient=recipient, kind=kind,
                                     machine=automatic, url=url[:2000], user_agent=user_agent[:300], at=now)
        if automatic:
            campaign.update(**{machine_counter: F(machine_counter) + 1})
            return
        # The first person's event sets the time; the row lock makes two racing firsts one.
        rows = CampaignRecipient.objects.filter(pk=recipient.pk)
        first = rows.filter(**{f"{first_field}__isnull": True}).update(**{first_field: now})
        rows.update(**{own: F(own) + 1})
        campaign.update(**{total: F(total) + 1, unique: F(unique) + first})
        if first and recipient.variant_id:
            CampaignVariant.objects.filter(pk=recipient.variant_id).update(**{unique: F(unique) + 1})


def record_open(recipient_id: int, *, user_agent: str = "") -> bool:
    """Count an open of this recipient's message; True when it was one (a known, sent recipient)."""
    now = timezone.now()
    recipient = _recipient(recipient_id)
    if recipient is None or not recipient.campaign.track:
        return False
    _count(recipient, CampaignEvent.Kind.OPEN, automatic=is_machine_open(recipient, user_agent, now), now=now,
           user_agent=user_agent)
    return True


def follow(recipient_id: int, index: int, *, user_agent: str = "", method: str = "GET") -> str | None:
    """The link a click token leads to, the click counted (when tracking is on); None: no such link."""
    recipient = _recipient(recipient_id)
    if recipient is None:
        return None
    links = recipient.variant.links if recipient.variant_id else recipient.campaign.links
    if not 0 <= index < len(links):
        return None
    url = links[index]
    if recipient.campaign.track:
        now = timezone.now()
        _count(recipient, CampaignEvent.Kind.CLICK, automatic=is_scanner_click(recipient, url, user_agent, method, now),
               now=now, user_agent=user_agent, url=url)
    return url
