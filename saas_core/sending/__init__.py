"""The sending core every outbound channel shares (SMS, EDM, SFA sequences, one-to-one mail).

- ``addresses``: e-mail addresses and mobile numbers normalised the one way they are matched;
- ``suppression``: the company's do-not-send list (opt-outs, unsubscribes, bounces, complaints,
  manual and imported entries), which every send checks;
- ``throttle``: token buckets in Redis per transport (per second / hour / day / same recipient);
- ``records``: the idempotent send record, claimed and committed before the provider is called;
- ``callbacks``: signed inbound callbacks (delivery reports, bounces), stored and acknowledged at
  once, processed after the commit by a Celery task.

It sits low: modules import it, it imports no module (handlers register themselves).
"""
