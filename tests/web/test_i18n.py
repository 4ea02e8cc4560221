"""Every word the pages show exists in Chinese and in English."""

from __future__ import annotations

import re
from pathlib import Path

from medbridge.accounts.models import ROLES
from medbridge.web.i18n import STRINGS

WEB = Path(__file__).parents[2] / "src" / "medbridge" / "web"


def test_every_key_the_pages_use_has_both_languages():
    used = set()
    for path in [*WEB.rglob("*.html"), *WEB.glob("*.py")]:
        used |= {key for key in re.findall(r"""\bt(?:ranslate)?\(\s*['"]([a-z_\-]+)['"]""", path.read_text())
                 if not key.endswith("_")}  # t('role_' ~ role): the families are checked below
    used |= {f"role_{role}" for role in ROLES}
    used |= {f"status_{status}" for status in ("requested", "granted", "refused", "revoked", "expired")}
    used |= {f"{kind}_{part}" for kind in ("unauthorized", "forbidden", "not_found", "not_allowed", "too_large",
                                           "too_many", "error") for part in ("title", "text")}
    missing = sorted(key for key in used if key not in STRINGS)
    assert not missing
    assert all(zh.strip() and en.strip() for zh, en in STRINGS.values())
