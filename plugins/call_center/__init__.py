"""The call-center module (CC-01): incoming-call pop-up, click-to-dial, call log.

Telephony events come from an Asterisk PBX over AMI (``crm ami``, plugins.call_center.ami) or
from a cloud call center's signed webhooks (plugins.call_center.webhooks); both feed
``services.apply_event``, which keeps the call log and pushes cards to agents' tabs over the
real-time channel (saas_core.realtime).
"""
