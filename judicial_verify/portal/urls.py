from django.contrib.auth import views as auth_views
from django.urls import path

from .views import judges, log, report, served, tokens, verify

app_name = "portal"

urlpatterns = [
    path("", verify.verify_page, name="verify"),
    path("v/<str:code>", served.served_page, name="served"),
    path("log/", log.log_page, name="log"),
    # Under /log/ with the log's other files; the ledger's /log/ patterns match none of these.
    path("log/verifier/<str:filename>", log.verifier_wheel_download, name="verifier-wheel"),
    path("sign-in/", judges.SignInView.as_view(), name="sign-in"),
    path("sign-out/", auth_views.LogoutView.as_view(next_page="portal:verify"), name="sign-out"),
    path("court/records/", judges.judge_search, name="judge-search"),
    path("court/records/<str:index>", judges.judge_record, name="judge-record"),
    path("report/<str:index>.pdf", report.report_pdf, name="report"),
    path("account/tokens/", tokens.tokens_page, name="tokens"),
    path("account/tokens/<int:token_id>/revoke", tokens.token_revoke, name="token-revoke"),
]
