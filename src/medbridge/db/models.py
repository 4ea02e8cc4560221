"""Every table, imported in one place so Alembic and tests see the whole schema."""

from medbridge.accounts.models import (  # noqa: F401
    AccessGrant, ApiToken, AuditEvent, LoginAttempt, LoginSession, RoleGrant, User,
)
from medbridge.library.models import Outcome, OutcomeVersion, Rubric  # noqa: F401
from medbridge.registry.models import Organization, OrganizationAlias, Person, PersonTitle  # noqa: F401
from medbridge.chain.models import ChainPlacement, ChainTaxonomy, ClusterFigure, ParkTenant  # noqa: F401
from medbridge.review.models import (  # noqa: F401
    Competition, CompetitionEntry, CompetitionJudge, CompetitionRound, DeclaredConflict, Expert, PanelAssignment,
    TechManagerAssignment,
)
from medbridge.transfer.models import (  # noqa: F401
    Deal, DealEvent, DealParty, IncubationMilestone, IncubationPhaseEvent, IncubationProject,
)
from medbridge.news.models import NewsArticle, NewsEvent, NewsMention  # noqa: F401
from medbridge.needs.models import Need  # noqa: F401
from medbridge.matching.models import MatchFeedback, SearchEntry  # noqa: F401

# Not a table: the session listeners that keep the search index in step with every write.
import medbridge.matching.index  # noqa: F401,E402
