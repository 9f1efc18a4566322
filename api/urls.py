from django.urls import path, re_path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from alerts.api import AlertRuleViewSet
from api.tokens import TokenObtainView, TokenRevokeView
from catalogue.api import DerivationViewSet, ProgramViewSet, ProjectChangeViewSet, ProjectViewSet
from core.api import not_found
from disclosure.api import DisclosureViewSet, PublicityViewSet
from evaluation.api import (
    ConstraintViewSet,
    ItemScoreViewSet,
    ItemViewSet,
    MonitoringSheetViewSet,
    ObjectionViewSet,
    PerformanceTargetViewSet,
    RewardPoolViewSet,
    RewardShareViewSet,
    RunViewSet,
    SampleViewSet,
    SchemeViewSet,
    SelfEvaluationViewSet,
    UnitResultViewSet,
    public_assessment,
    public_assessments,
)
from funding.api import FundingLineViewSet
from orgs.api import MembershipViewSet, OrganisationViewSet
from portal import api as public_api
from reporting.api import ReportViewSet
from responsibility.api import IndicatorViewSet, LetterViewSet, TargetViewSet
from supervision.api import FindingViewSet, InspectionViewSet
from surveys.api import QuestionnaireViewSet, ResponseViewSet, WaveViewSet, public_surveys
from upkeep.api import AssetViewSet

router = DefaultRouter()
router.register("organisations", OrganisationViewSet)
router.register("memberships", MembershipViewSet)
router.register("programs", ProgramViewSet)
router.register("projects", ProjectViewSet)
router.register("changes", ProjectChangeViewSet)
router.register("derivations", DerivationViewSet)
router.register("indicators", IndicatorViewSet)
router.register("targets", TargetViewSet)
router.register("funding-lines", FundingLineViewSet)
router.register("letters", LetterViewSet)
router.register("reports", ReportViewSet)
router.register("inspections", InspectionViewSet)
router.register("findings", FindingViewSet)
router.register("assets", AssetViewSet)
router.register("publicity", PublicityViewSet)
router.register("disclosures", DisclosureViewSet)
router.register("performance-targets", PerformanceTargetViewSet)
router.register("monitoring-sheets", MonitoringSheetViewSet)
router.register("self-evaluations", SelfEvaluationViewSet)
router.register("reward-pools", RewardPoolViewSet)
router.register("reward-shares", RewardShareViewSet)
router.register("constraints", ConstraintViewSet)
router.register("assessment-schemes", SchemeViewSet)
router.register("assessment-items", ItemViewSet)
router.register("assessment-runs", RunViewSet)
router.register("assessment-results", UnitResultViewSet)
router.register("assessment-scores", ItemScoreViewSet)
router.register("assessment-samples", SampleViewSet)
router.register("assessment-objections", ObjectionViewSet)
router.register("alert-rules", AlertRuleViewSet)
router.register("questionnaires", QuestionnaireViewSet)
router.register("survey-waves", WaveViewSet)
router.register("survey-responses", ResponseViewSet)

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI with its start-up script served as a file, under the strict CSP (no inline script or style).
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api/swagger_ui.html"),
        name="swagger-ui",
    ),
    # ReDoc injects inline <style> at load time and images from its CDN, which the strict CSP refuses;
    # the one interactive documentation is Swagger UI.
    path("redoc/", RedirectView.as_view(pattern_name="swagger-ui", permanent=False), name="redoc"),
    path("token/", TokenObtainView.as_view(), name="api-token"),
    path("token/revoke/", TokenRevokeView.as_view(), name="api-token-revoke"),
    path("public/programs/", public_api.programs, name="public-programs"),
    path("public/programs/<id:pk>/", public_api.program, name="public-program"),
    path("public/programs/<id:pk>/charts/", public_api.program_charts, name="public-program-charts"),
    path("public/surveys/", public_surveys, name="public-surveys"),
    path("public/assessments/", public_assessments, name="public-assessments"),
    path("public/assessments/<id:pk>/", public_assessment, name="public-assessment"),
    *router.urls,
    re_path(r"^.*$", not_found),  # last: unmatched API URLs answer JSON, not the HTML 404 page
]
