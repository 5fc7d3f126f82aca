# English: the same year-month-day forms and 24-hour times as Chinese (saas_core.formats says why).
from saas_core.formats.zh_Hans.formats import *  # noqa: F403
