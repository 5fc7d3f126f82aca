"""E-mail marketing (EDM-01): the company's own sending domain (DKIM, SPF, DMARC checked in DNS),
its SMTP server, templates, audiences, campaigns, tracking, unsubscribes and bounces.

Built on the sending core (``saas_core.sending``): the suppression list, throttles, the
idempotent send record and signed callbacks."""
