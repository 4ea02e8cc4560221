"""The demo set describes several regions' chains, so comparisons show on first run."""

from sqlalchemy import func, select

from medbridge.accounts.policy import ANONYMOUS
from medbridge.chain import coverage as cov
from medbridge.chain import taxonomy
from medbridge.chain.models import ChainPlacement, ClusterFigure, ParkTenant
from medbridge.demo import load_demo, remove_demo


def test_the_demo_places_organizations_in_several_regions_with_figures_and_removes_cleanly(session):
    counts = load_demo(session)
    assert counts["chain_confirmed"] > 50 and counts["cluster_figures"] > 20 and counts["park_tenants"] > 10
    chains = taxonomy.current(session)
    for region in ("北京市", "天津市", "河北省", "上海市"):
        report = cov.coverage(session, chains, ANONYMOUS, cov.Scope(region=region), "medical_device")
        assert report[0].organizations >= 3, region
    regions_with_figures = session.scalars(select(ClusterFigure.region).where(ClusterFigure.region != "").distinct())
    assert len(set(regions_with_figures)) >= 2
    assert cov.corridors(session, chains, ANONYMOUS, ["北京市", "天津市", "河北省"])
    assert session.scalar(select(func.count()).select_from(ChainPlacement).where(
        ChainPlacement.is_demo.is_(False))) == 0
    remove_demo(session)
    for model in (ChainPlacement, ParkTenant, ClusterFigure):
        assert session.scalar(select(func.count()).select_from(model)) == 0
